-- Work a worker cannot do inside its step transaction (spec/outside-steps.md §1): an HTTP
-- request, a statement PostgreSQL refuses in a transaction block. The worker records the
-- resolved request here in the step's checkpoint and parks the activation (wake_at
-- 'infinity'); a runner session authenticated as the owner leases it, does the work with no
-- pg_durable transaction open, and completes it through the normal checkpoint. One row per
-- activation: a retry of the same activation dispatches again into the same row, so the
-- idempotency key and the counters stay with the logical request.
CREATE TABLE df.dispatches (
  activation_id   bigint NOT NULL,
  instance_id     varchar(8) NOT NULL,
  node_id         integer NOT NULL,
  kind            text NOT NULL,
  request         json NOT NULL,          -- resolved; may hold secrets: readable by its owner only
  idempotency_key text NOT NULL,
  attempt         integer NOT NULL,       -- the activation's attempt under df.retry
  dispatched_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  lease_token     uuid,
  lease_until     timestamptz,
  runner          text,
  leases          integer NOT NULL DEFAULT 0,   -- leases taken of this attempt
  expired_leases  integer NOT NULL DEFAULT 0,   -- of which ran out before a completion
  owner           regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  PRIMARY KEY (activation_id, owner),
  CONSTRAINT dispatch_kind_is_known CHECK (kind OPERATOR(pg_catalog.=) ANY ('{http,statement}'::pg_catalog.text[])),
  FOREIGN KEY (activation_id, owner) REFERENCES df.activations (id, owner) ON DELETE CASCADE,
  FOREIGN KEY (instance_id, owner) REFERENCES df.instances (id, submitted_by) ON DELETE CASCADE
);
-- A runner's claim: the owner's work of one kind, oldest first.
CREATE INDEX dispatches_claim_idx ON df.dispatches (owner, kind, dispatched_at);
CREATE INDEX dispatches_instance_idx ON df.dispatches (instance_id, owner);
ALTER TABLE df.dispatches ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_dispatches ON df.dispatches
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
COMMENT ON TABLE df.dispatches IS 'Runtime: work dispatched to runners outside the step transaction (HTTP, statements), with its lease';
