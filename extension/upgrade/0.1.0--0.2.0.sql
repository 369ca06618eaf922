-- pg_durable 0.1.0 → 0.2.0, the part written by hand (docs/operations-upgrades.md). The build
-- makes pg_durable--0.1.0--0.2.0.sql of it and the templates: at the @TEMPLATES@ line below
-- it puts, in template order, every routines template re-applied as CREATE OR REPLACE (new
-- routines created, df._load's bundle replaced) and every template 0.1.0 did not have,
-- whole; then it drops the routines no template declares any more. After this file come the
-- COMMENT ON statements of the templates, the grants, and usage granted again to the roles
-- df.usage_grants records.
--
-- Here goes what the templates cannot do to an existing installation: changes to the tables,
-- columns, constraints, indexes, policies and operators 0.1.0 has (ALTER …), DROP of a
-- routine whose return type or argument names change (before @TEMPLATES@), revoking what
-- usage no longer includes, data migrations (after it). test/upgrade/ compares the result
-- with a fresh install.
--
-- The JavaScript df functions became SQL functions over df._js_<name> and df._unwrap,
-- df.work became PL/pgSQL over df._js_work, new routines came, and the new indexes of
-- signals and failed instances have templates of their own (0830, 0842): the templates carry
-- all of that. What they cannot: activations_instance_idx (0130) now holds retired rows too,
-- for the cascade of df.cleanup, and activations_ready_idx has the id as a third column.

DROP INDEX df.activations_instance_idx;
CREATE INDEX activations_instance_idx ON df.activations (instance_id, owner);
-- The planner is told that a parent has few children (0130), so a wide JOIN's statistics do
-- not make the checkpoint scan the table on every step.
ALTER TABLE df.activations ALTER COLUMN parent_id SET (n_distinct = -0.5);
-- Workers claim in (wake_at, id) order from where they last claimed (0130).
DROP INDEX df.activations_ready_idx;
CREATE INDEX activations_ready_idx ON df.activations (owner, wake_at, id) WHERE leaf AND NOT retired;
-- HTTP_MULTIPART and MAP are node types now (0110).
ALTER TABLE df.nodes DROP CONSTRAINT node_type_is_known;
ALTER TABLE df.nodes ADD CONSTRAINT node_type_is_known CHECK (node_type OPERATOR(pg_catalog.=) ANY
  ('{SQL,THEN,IF,JOIN,LOOP,BREAK,RACE,SLEEP,WAIT_SCHEDULE,HTTP,HTTP_MULTIPART,SIGNAL,MAP}'::pg_catalog.text[]));
-- A MAP's children are its items workflow and one body per item (0130).
ALTER TABLE df.activations DROP CONSTRAINT activation_slot_is_known;
ALTER TABLE df.activations ADD CONSTRAINT activation_slot_is_known
  CHECK (slot OPERATOR(pg_catalog.~) '^(root|left|right|condition|then|else|body|while|items|branch:[0-9]+|item:[0-9]+)$');

@TEMPLATES@
