CREATE TABLE df.vars (
  name  text NOT NULL,
  value text,
  owner regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  retired boolean NOT NULL DEFAULT false,   -- unset (users hold no DELETE right: it would let them LOCK the table)
  PRIMARY KEY (owner, name),
  CONSTRAINT variable_name_is_an_identifier CHECK (name OPERATOR(pg_catalog.~) '^[A-Za-z_][A-Za-z0-9_]*$')
);
COMMENT ON TABLE df.vars IS 'Per-role variables for {name} templates; df.start snapshots them';
