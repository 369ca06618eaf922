-- Each role sees and writes only its own rows; superusers (and the owner) see all. The
-- owner is compared as a regrole built from the quoted name, so any spelling of a role name
-- works; the sub-select makes it one value per statement. Keys and foreign keys carry the
-- owner too (see the tables), because unique and foreign-key checks ignore row-level security.
ALTER TABLE df.instances ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.vars ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.activations ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.signals ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.results ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.branch_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.workers ENABLE ROW LEVEL SECURITY;

CREATE POLICY own_instances ON df.instances
  USING (submitted_by OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
CREATE POLICY own_nodes ON df.nodes
  USING (submitted_by OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
CREATE POLICY own_vars ON df.vars
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
CREATE POLICY own_activations ON df.activations
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
CREATE POLICY own_signals ON df.signals
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
CREATE POLICY own_results ON df.results
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
CREATE POLICY own_workers ON df.workers
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
CREATE POLICY own_branch_results ON df.branch_results
  USING (owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole));
