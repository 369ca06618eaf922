-- Who gave each role its usage (administrators only; nothing is granted on it). Every
-- privilege df.grant_usage hands out is granted by the extension owner, so PostgreSQL's own
-- records cannot say which delegated administrator gave what; this table does, so that
-- df.revoke_usage can take back, in turn, what the revoked role gave others (a revoked
-- administrator leaves no stand-in behind). A grant made by a superuser is recorded with
-- granted_by 0 (shown as '-') and is only ever taken back by df.revoke_usage of its grantee.
CREATE TABLE df.usage_grants (
  grantee      regrole NOT NULL,
  granted_by   regrole NOT NULL,               -- the delegated administrator; 0 ('-') = a superuser
  include_http boolean NOT NULL DEFAULT false,
  with_grant   boolean NOT NULL DEFAULT false,
  granted_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (grantee, granted_by)
);
COMMENT ON TABLE df.usage_grants IS 'Administrators: who granted pg_durable usage to whom, with which options (df.grant_usage keeps it)';
