-- Named results (|=> 'name') of each instance, latest value per name, JSON text kept exact.
CREATE TABLE df.results (
  instance_id varchar(8) NOT NULL REFERENCES df.instances (id) ON DELETE CASCADE,
  name        text NOT NULL,
  value       json NOT NULL,
  owner       regrole NOT NULL,
  PRIMARY KEY (instance_id, name)
);
COMMENT ON TABLE df.results IS 'Runtime: named results visible to later steps of the instance';
