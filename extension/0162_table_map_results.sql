-- How each settled item of a MAP ended, one row per item, until the MAP itself settles and
-- gathers them in item order: settling an item costs one insert however many items there are.
CREATE TABLE df.map_results (
  activation_id bigint NOT NULL,          -- the MAP's activation
  item          integer NOT NULL,
  status        text NOT NULL CHECK (status OPERATOR(pg_catalog.=) ANY ('{completed,failed}'::pg_catalog.text[])),
  result        json NOT NULL,            -- the body's result, or its error as a JSON string
  owner         regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  PRIMARY KEY (activation_id, item, owner),
  FOREIGN KEY (activation_id, owner) REFERENCES df.activations (id, owner) ON DELETE CASCADE
);
ALTER TABLE df.map_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_map_results ON df.map_results
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
COMMENT ON TABLE df.map_results IS 'Runtime: settled items of MAPs still running';
