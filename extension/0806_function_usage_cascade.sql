-- After a revocation: a grant a delegated administrator made only holds while that
-- administrator still may grant (df.grant_usage is executable by it, directly or through a
-- role it belongs to; include_http also needs df.http). Grants that no longer hold are
-- dropped, and each grantee keeps only what its remaining grants give: nothing, usage
-- without administration, or usage without df.http. Repeats until nothing changes, so
-- chains and circles of delegated administrators unravel; grants by superusers always hold.
-- Superusers and the extension owner are never revoked from (they hold everything anyway).
CREATE FUNCTION df._usage_cascade() RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_grant_usage regprocedure := 'df.grant_usage(text,boolean,boolean)'::regprocedure;
  v_changed boolean := true;
  v_role record;
BEGIN
  DELETE FROM df.usage_grants g WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = g.grantee);
  WHILE v_changed LOOP
    v_changed := false;
    FOR v_role IN
      WITH judged AS (
        SELECT g.grantee, g.granted_by, g.include_http, g.with_grant,
               g.granted_by::oid = 0 OR (r.oid IS NOT NULL AND has_function_privilege(r.oid, v_grant_usage, 'EXECUTE')) AS holds,
               g.granted_by::oid = 0 OR (r.oid IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM df._usage_privileges() u
                 WHERE CASE WHEN u.part = 'http' THEN NOT has_function_privilege(r.oid, u.object_name, 'EXECUTE') END)) AS may_http
        FROM df.usage_grants g LEFT JOIN pg_roles r ON r.oid = g.granted_by::oid
      )
      SELECT j.grantee, gr.rolname,
             gr.rolsuper OR gr.oid = (SELECT n.nspowner FROM pg_namespace n WHERE n.nspname = 'df') AS untouchable,
             bool_or(j.holds) AS keeps_usage,
             bool_or(j.holds AND j.with_grant) AS keeps_admin,
             bool_or(j.holds AND j.include_http AND j.may_http) AS keeps_http,
             bool_or(j.with_grant) AS had_admin,
             bool_or(j.include_http) AS had_http,
             bool_and(j.holds AND (NOT j.include_http OR j.may_http)) AS all_hold
      FROM judged j JOIN pg_roles gr ON gr.oid = j.grantee::oid
      GROUP BY j.grantee, gr.rolname, gr.rolsuper, gr.oid
    LOOP
      CONTINUE WHEN v_role.all_hold;
      v_changed := true;
      IF v_role.untouchable THEN
        -- Superusers and the extension owner have every privilege whatever their grants say.
        DELETE FROM df.usage_grants g WHERE g.grantee = v_role.grantee;
        CONTINUE;
      END IF;
      IF NOT v_role.keeps_usage THEN
        DELETE FROM df.usage_grants g WHERE g.grantee = v_role.grantee;
        PERFORM df._revoke_usage_parts(v_role.rolname, ARRAY['usage']);
        RAISE NOTICE '%', format('pg_durable: revoked usage from role %I (it was granted by administrators who lost that right)', v_role.rolname);
        CONTINUE;
      END IF;
      DELETE FROM df.usage_grants g
      WHERE g.grantee = v_role.grantee AND g.granted_by::oid <> 0
        AND NOT coalesce((SELECT has_function_privilege(r.oid, v_grant_usage, 'EXECUTE') FROM pg_roles r WHERE r.oid = g.granted_by::oid), false);
      IF v_role.had_admin AND NOT v_role.keeps_admin THEN
        UPDATE df.usage_grants g SET with_grant = false WHERE g.grantee = v_role.grantee;
        PERFORM df._revoke_usage_parts(v_role.rolname, ARRAY['administration']);
        RAISE NOTICE '%', format('pg_durable: role %I may no longer grant or revoke usage (the administrator who allowed it lost that right)', v_role.rolname);
      END IF;
      IF v_role.had_http AND NOT v_role.keeps_http THEN
        UPDATE df.usage_grants g SET include_http = false WHERE g.grantee = v_role.grantee;
        PERFORM df._revoke_usage_parts(v_role.rolname, ARRAY['http']);
        RAISE NOTICE '%', format('pg_durable: revoked df.http from role %I (the administrator who granted it lost that right)', v_role.rolname);
      END IF;
      -- Grants whose http part no longer holds keep their usage part.
      UPDATE df.usage_grants g SET include_http = false
      WHERE g.grantee = v_role.grantee AND g.include_http AND g.granted_by::oid <> 0
        AND EXISTS (SELECT 1 FROM df._usage_privileges() u
                    WHERE CASE WHEN u.part = 'http' THEN NOT has_function_privilege(g.granted_by::oid, u.object_name, 'EXECUTE') END);
    END LOOP;
  END LOOP;
END
$$;
COMMENT ON FUNCTION df._usage_cascade() IS 'Internal: drop the grants of administrators who lost the right to grant, and what only they gave';
