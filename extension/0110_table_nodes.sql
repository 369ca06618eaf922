CREATE TABLE df.nodes (
  instance_id    varchar(8) NOT NULL REFERENCES df.instances (id) ON DELETE CASCADE,
  id             integer NOT NULL,
  node_type      text NOT NULL,
  query          text,
  result_name    text,
  left_node      integer,
  right_node     integer,
  status         text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  result         jsonb,
  submitted_by   regrole NOT NULL DEFAULT current_user::regrole,
  database       text NOT NULL DEFAULT current_database(),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  status_details jsonb,
  -- ours: the rest of the static graph
  parent_node    integer,
  condition_node integer,
  extra_nodes    integer[] NOT NULL DEFAULT '{}',
  retry          jsonb,
  PRIMARY KEY (instance_id, id)
);
COMMENT ON TABLE df.nodes IS 'The static graph of each instance, one row per node, with its latest status and result';
