CREATE TABLE df.instances (
  id           varchar(8) PRIMARY KEY,
  label        text,
  root_node    integer NOT NULL DEFAULT 1,
  status       text NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  submitted_by regrole NOT NULL DEFAULT current_user::regrole,
  database     text NOT NULL DEFAULT current_database(),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  -- ours: what the runtime needs
  vars         jsonb NOT NULL DEFAULT '{}',   -- the submitter's df.vars, snapshotted by df.start
  result       json,                          -- the root result, key order kept
  error        text,                          -- why the instance failed or was cancelled
  steps        bigint NOT NULL DEFAULT 0      -- leaf activations completed
);
CREATE INDEX instances_submitted_by_created_idx ON df.instances (submitted_by, created_at DESC, id DESC);
COMMENT ON TABLE df.instances IS 'One row per workflow instance started with df.start()';
