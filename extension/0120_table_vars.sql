CREATE TABLE df.vars (
  name  text NOT NULL,
  value text,
  owner regrole NOT NULL DEFAULT current_user::regrole,
  PRIMARY KEY (owner, name)
);
COMMENT ON TABLE df.vars IS 'Per-role variables for {name} templates; df.start snapshots them';
