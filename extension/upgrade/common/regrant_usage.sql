-- Part of every generated upgrade script (build/build.mjs), last: the grants template has
-- just taken everything from PUBLIC again, so every role that df.usage_grants records as
-- having usage (granted by a superuser or a delegated administrator through df.grant_usage)
-- is given what df.grant_usage of the new version gives: the routines new in this version
-- included, with df.http and the administration part when one of its grants has them. The
-- grants are made as df.grant_usage makes them (by the extension owner); df.usage_grants is
-- left as it is. Privileges are only added: an upgrade step whose version takes something
-- out of usage revokes it in its own hand-written part.
DO $upgrade$
DECLARE
  v_role record;
  v_priv record;
BEGIN
  FOR v_role IN
    SELECT r.rolname, pg_catalog.bool_or(g.include_http) AS include_http, pg_catalog.bool_or(g.with_grant) AS with_grant
    FROM df.usage_grants g
    JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) g.grantee::pg_catalog.oid
    GROUP BY r.rolname
    ORDER BY r.rolname
  LOOP
    FOR v_priv IN
      SELECT u.* FROM df._usage_privileges() u
      WHERE u.part OPERATOR(pg_catalog.=) 'usage'
         OR (u.part OPERATOR(pg_catalog.=) 'http' AND v_role.include_http)
         OR (u.part OPERATOR(pg_catalog.=) 'administration' AND v_role.with_grant)
    LOOP
      EXECUTE pg_catalog.format('GRANT %s ON %s %s TO %I',
        v_priv.privileges, v_priv.object_type, v_priv.object_name, v_role.rolname);
    END LOOP;
  END LOOP;
END
$upgrade$;
