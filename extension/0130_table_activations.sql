-- Runtime state: one row per live activation of a graph node. A node can have many
-- activations over time (loop iterations). Leaf activations (SQL, SLEEP, SIGNAL, …) are the
-- claimable work; composite ones (THEN, JOIN, …) hold their bookkeeping in memo. Keys and
-- references all carry the owner, so a row can only ever belong to its owner's instances,
-- and ids another role inserts can never collide with the engine's. Users hold no DELETE
-- right (it would also let them LOCK the whole table against every role): a settled
-- activation is marked retired, and df._sweep() removes retired rows.
CREATE TABLE df.activations (
  id          bigserial,
  instance_id varchar(8) NOT NULL,
  node_id     integer NOT NULL,
  parent_id   bigint,
  slot        text NOT NULL,              -- role in the parent: root, left, right, condition, then, else, branch:N, body, while, items, item:N
  leaf        boolean NOT NULL,
  wake_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
  attempt     integer NOT NULL DEFAULT 1,
  runs        integer NOT NULL DEFAULT 0,     -- runs started of this attempt (roles with a statement_timeout only)
  memo        json NOT NULL DEFAULT '{}',     -- json, not jsonb: branch results keep column order
  owner       regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
  retired     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (id, owner),
  CONSTRAINT activation_slot_is_known CHECK (slot OPERATOR(pg_catalog.~) '^(root|left|right|condition|then|else|body|while|items|branch:[0-9]+|item:[0-9]+)$'),
  FOREIGN KEY (instance_id, owner) REFERENCES df.instances (id, submitted_by) ON DELETE CASCADE
  -- parent_id has no foreign key on purpose: a settled RACE or JOIN drops its subtree
  -- without waiting on a leaf another worker is running (see the checkpoint statement).
);
-- The owner comes after the ids in every key and index but the queue's: a lookup names
-- both, and no plan (even one made while the table looked empty) can scan by owner alone.
-- Workers claim in (wake_at, id) order from where they last claimed (src/engine/claim-order.ts).
CREATE INDEX activations_ready_idx ON df.activations (owner, wake_at, id) WHERE leaf AND NOT retired;
CREATE INDEX activations_parent_idx ON df.activations (parent_id, owner) WHERE NOT retired;
-- A parent has a handful of children, and the checkpoint's generic plan looks them up through
-- that index; measured statistics would tell the planner otherwise while a wide JOIN runs
-- (thousands of rows with one parent) and turn the lookup into a scan of the table per step.
ALTER TABLE df.activations ALTER COLUMN parent_id SET (n_distinct = -0.5);
-- Every row, retired ones too: removing an instance (df.cleanup) cascades here, one lookup per
-- instance, which must not scan the table.
CREATE INDEX activations_instance_idx ON df.activations (instance_id, owner);
CREATE INDEX activations_retired_idx ON df.activations (id, owner) WHERE retired;
COMMENT ON TABLE df.activations IS 'Runtime: live activations of graph nodes; leaf rows are the work workers claim';
