-- The items of a MAP (df.map): the rows of its items workflow's result, written once when
-- that result arrives, one row per item (numbered from 1 in row order), so that an item's
-- body reads its own row by key and no settle rereads or rewrites the others.
CREATE TABLE df.map_items (
  activation_id bigint NOT NULL,          -- the MAP's activation
  item          integer NOT NULL,
  value         json NOT NULL,            -- json, not jsonb: the row keeps its column order
  owner         regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  PRIMARY KEY (activation_id, item, owner),
  FOREIGN KEY (activation_id, owner) REFERENCES df.activations (id, owner) ON DELETE CASCADE
);
ALTER TABLE df.map_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_map_items ON df.map_items
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
COMMENT ON TABLE df.map_items IS 'Runtime: the items of each running MAP, one row per item';
