-- Runtime state: one row per live activation of a graph node. A node can have many
-- activations over time (loop iterations). Leaf activations (SQL, SLEEP, SIGNAL, …) are the
-- claimable work; composite ones (THEN, JOIN, …) hold their bookkeeping in memo.
CREATE TABLE df.activations (
  id          bigserial PRIMARY KEY,
  instance_id varchar(8) NOT NULL REFERENCES df.instances (id) ON DELETE CASCADE,
  node_id     integer NOT NULL,
  parent_id   bigint REFERENCES df.activations (id) ON DELETE CASCADE,
  slot        text NOT NULL,              -- role in the parent: root, left, right, condition, then, else, branch:N, body, while
  leaf        boolean NOT NULL,
  wake_at     timestamptz NOT NULL DEFAULT now(),
  attempt     integer NOT NULL DEFAULT 1,
  memo        json NOT NULL DEFAULT '{}',     -- json, not jsonb: branch results keep column order
  owner       regrole NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activations_ready_idx ON df.activations (owner, wake_at) WHERE leaf;
CREATE INDEX activations_parent_idx ON df.activations (parent_id);
CREATE INDEX activations_instance_idx ON df.activations (instance_id);
COMMENT ON TABLE df.activations IS 'Runtime: live activations of graph nodes; leaf rows are the work workers claim';
