-- The static graph. Its key includes the owner: a unique key ignores row-level security,
-- so a key without the owner would let one role probe or block another role's rows. The
-- owner comes last in every key, so a lookup always starts from the ids it names.
CREATE TABLE df.nodes (
  instance_id    varchar(8) NOT NULL,
  id             integer NOT NULL,
  node_type      text NOT NULL,
  query          text,
  result_name    text,
  left_node      integer,
  right_node     integer,
  status         text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  result         jsonb,
  submitted_by   regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  database       text NOT NULL DEFAULT pg_catalog.current_database(),
  created_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
  updated_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
  status_details jsonb,
  -- ours: the rest of the static graph
  parent_node    integer,
  condition_node integer,
  extra_nodes    integer[] NOT NULL DEFAULT '{}',
  retry          jsonb,
  PRIMARY KEY (instance_id, id, submitted_by),
  -- Rows written by hand have the shapes the engine writes.
  CONSTRAINT node_id_is_positive CHECK (id OPERATOR(pg_catalog.>) 0),
  CONSTRAINT node_type_is_known CHECK (node_type OPERATOR(pg_catalog.=) ANY
    ('{SQL,THEN,IF,JOIN,LOOP,BREAK,RACE,SLEEP,WAIT_SCHEDULE,HTTP,HTTP_MULTIPART,SIGNAL,MAP}'::pg_catalog.text[])),
  CONSTRAINT result_name_is_an_identifier CHECK (result_name OPERATOR(pg_catalog.~) '^[A-Za-z_][A-Za-z0-9_]{0,62}$'),
  FOREIGN KEY (instance_id, submitted_by) REFERENCES df.instances (id, submitted_by) ON DELETE CASCADE
);
COMMENT ON TABLE df.nodes IS 'The static graph of each instance, one row per node, with its latest status and result';
