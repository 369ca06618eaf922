-- Signals that arrived before any activation waited for them (ours: buffered, not dropped).
-- A consumed signal is marked retired; df._sweep() removes it (users hold no DELETE right).
CREATE TABLE df.signals (
  id          bigserial,
  instance_id varchar(8) NOT NULL,
  name        text NOT NULL,
  data        json,
  owner       regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
  retired     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (id, owner),
  CONSTRAINT signal_name_is_not_empty CHECK (name OPERATOR(pg_catalog.<>) ''),
  FOREIGN KEY (instance_id, owner) REFERENCES df.instances (id, submitted_by) ON DELETE CASCADE
);
CREATE INDEX signals_instance_name_idx ON df.signals (instance_id, owner, name, id) WHERE NOT retired;
CREATE INDEX signals_retired_idx ON df.signals (id, owner) WHERE retired;
COMMENT ON TABLE df.signals IS 'Runtime: signals kept until a matching wait consumes them';
