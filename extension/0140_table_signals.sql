-- Signals that arrived before any activation waited for them (ours: buffered, not dropped).
CREATE TABLE df.signals (
  id          bigserial PRIMARY KEY,
  instance_id varchar(8) NOT NULL REFERENCES df.instances (id) ON DELETE CASCADE,
  name        text NOT NULL,
  data        json,
  owner       regrole NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signals_instance_name_idx ON df.signals (instance_id, name, id);
COMMENT ON TABLE df.signals IS 'Runtime: signals kept until a matching wait consumes them';
