-- Named results (|=> 'name') of each instance, latest value per name, JSON text kept exact.
CREATE TABLE df.results (
  instance_id varchar(8) NOT NULL,
  name        text NOT NULL,
  value       json NOT NULL,
  owner       regrole NOT NULL DEFAULT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole,
  PRIMARY KEY (instance_id, name, owner),
  CONSTRAINT result_name_is_an_identifier CHECK (name OPERATOR(pg_catalog.~) '^[A-Za-z_][A-Za-z0-9_]{0,62}$'),
  FOREIGN KEY (instance_id, owner) REFERENCES df.instances (id, submitted_by) ON DELETE CASCADE
);
COMMENT ON TABLE df.results IS 'Runtime: named results visible to later steps of the instance';
