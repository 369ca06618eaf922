-- Each role sees and manages only its own rows; superusers (and the owner) see all.
ALTER TABLE df.instances ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.vars ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.activations ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.signals ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.results ENABLE ROW LEVEL SECURITY;
ALTER TABLE df.branch_results ENABLE ROW LEVEL SECURITY;

CREATE POLICY own_instances ON df.instances USING (submitted_by = current_user::regrole);
CREATE POLICY own_nodes ON df.nodes USING (submitted_by = current_user::regrole);
CREATE POLICY own_vars ON df.vars USING (owner = current_user::regrole);
CREATE POLICY own_activations ON df.activations USING (owner = current_user::regrole);
CREATE POLICY own_signals ON df.signals USING (owner = current_user::regrole);
CREATE POLICY own_results ON df.results USING (owner = current_user::regrole);
CREATE POLICY own_branch_results ON df.branch_results USING (owner = current_user::regrole);
