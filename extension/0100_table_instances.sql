-- Instance ids are drawn by the table, never chosen by users (they hold no INSERT right on
-- id): a chosen id could occupy or probe another role's key through the unique index.
CREATE TABLE df.instances (
  id           varchar(8) PRIMARY KEY
               DEFAULT pg_catalog.substr(pg_catalog.md5(pg_catalog.gen_random_uuid()::pg_catalog.text), 1, 8),
  label        text,
  root_node    integer NOT NULL DEFAULT 1,
  status       text NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  submitted_by regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  database     text NOT NULL DEFAULT pg_catalog.current_database(),
  created_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  updated_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  completed_at timestamptz,                    -- set for completed instances only, as in the reference
  -- ours: what the runtime needs
  vars         jsonb NOT NULL DEFAULT '{}',   -- the submitter's df.vars, snapshotted by df.start
  result       json,                          -- the root result, key order kept
  error        text,                          -- why the instance failed or was cancelled
  -- Every runtime row refers to its instance through (id, owner), so it cannot point across roles.
  UNIQUE (id, submitted_by),
  -- Rows written by hand have the shapes the engine writes.
  CONSTRAINT instance_id_is_8_lowercase_hex CHECK (id OPERATOR(pg_catalog.~) '^[0-9a-f]{8}$')
);
CREATE INDEX instances_submitted_by_created_idx ON df.instances (submitted_by, created_at DESC, id DESC);
CREATE INDEX instances_unfinished_idx ON df.instances (submitted_by) WHERE status IN ('pending', 'running');
COMMENT ON TABLE df.instances IS 'One row per workflow instance started with df.start()';
