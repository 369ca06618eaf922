-- Named results bound inside the body of one MAP item: local to that item, keyed by the
-- item's activation (the root of its body), so they go when it does and no other item, nor
-- anything after the MAP, sees them.
CREATE TABLE df.item_results (
  activation_id bigint NOT NULL,          -- the item's activation
  name          text NOT NULL,
  value         json NOT NULL,
  owner         regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  PRIMARY KEY (activation_id, name, owner),
  CONSTRAINT item_result_name_is_an_identifier CHECK (name OPERATOR(pg_catalog.~) '^[A-Za-z_][A-Za-z0-9_]{0,62}$'),
  FOREIGN KEY (activation_id, owner) REFERENCES df.activations (id, owner) ON DELETE CASCADE
);
ALTER TABLE df.item_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_item_results ON df.item_results
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
COMMENT ON TABLE df.item_results IS 'Runtime: named results bound inside a MAP item, visible to that item only';
