-- Results of the JOIN branches that completed, until the JOIN itself settles: one row per
-- branch, so a wide JOIN costs one insert per branch rather than a growing memo rewrite.
CREATE TABLE df.branch_results (
  activation_id bigint NOT NULL,
  branch        integer NOT NULL,
  value         json NOT NULL,
  owner         regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  PRIMARY KEY (activation_id, branch, owner),
  FOREIGN KEY (activation_id, owner) REFERENCES df.activations (id, owner) ON DELETE CASCADE
);
COMMENT ON TABLE df.branch_results IS 'Runtime: completed branch results of JOINs still waiting for other branches';
