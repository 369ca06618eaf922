-- Access management (spec section 13). CREATE EXTENSION grants nothing to PUBLIC; superusers
-- and delegated administrators give each role that submits workflows its usage.
-- SECURITY DEFINER: everything is granted by the extension owner, whoever calls, so any
-- administrator can later revoke it (PostgreSQL only lets a grant's grantor or the owner
-- revoke it) and nothing is ever granted WITH GRANT OPTION: delegation goes through this
-- function, which only superusers and roles given with_grant => true may execute.
CREATE FUNCTION df.grant_usage(p_role text, include_http boolean DEFAULT false, with_grant boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_caller text := df._calling_role();
  v_caller_oid oid;
  v_caller_super boolean;
  v_grantee oid;
  v_priv record;
BEGIN
  IF p_role IS NULL THEN
    RAISE EXCEPTION 'df.grant_usage needs a role name, got NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF include_http IS NULL OR with_grant IS NULL THEN
    RAISE EXCEPTION 'include_http and with_grant must be true or false, not NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT r.oid INTO v_grantee FROM pg_roles r WHERE r.rolname = p_role;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'role "%" does not exist', p_role USING ERRCODE = 'undefined_object', HINT = df._role_name_hint(p_role);
  END IF;

  -- One administrator's change at a time: a grant by an administrator who is being revoked
  -- waits, then sees that it may no longer grant.
  LOCK TABLE df.usage_grants IN EXCLUSIVE MODE;
  -- The database checked EXECUTE for the current role; the session's role must be entitled too.
  SELECT r.oid, r.rolsuper INTO v_caller_oid, v_caller_super FROM pg_roles r WHERE r.rolname = v_caller;
  IF NOT coalesce(v_caller_super, false) THEN
    IF v_caller_oid IS NULL
       OR NOT has_function_privilege(v_caller_oid, 'df.grant_usage(text,boolean,boolean)'::regprocedure, 'EXECUTE') THEN
      RAISE EXCEPTION 'role % may not grant pg_durable usage', quote_ident(v_caller)
        USING ERRCODE = 'insufficient_privilege', HINT = 'Superusers may, and roles a superuser or delegated administrator granted usage with with_grant => true; call df.grant_usage directly, not from a SECURITY DEFINER function of another role.';
    END IF;
    IF include_http AND EXISTS (SELECT 1 FROM df._usage_privileges() u
                                WHERE CASE WHEN u.part = 'http'
                                           THEN NOT has_function_privilege(v_caller_oid, u.object_name, 'EXECUTE') END) THEN
      RAISE EXCEPTION 'role % may not grant df.http: it cannot use df.http itself', quote_ident(v_caller)
        USING ERRCODE = 'insufficient_privilege', HINT = 'Grant usage without include_http, or ask a superuser to grant it with include_http => true.';
    END IF;
  END IF;

  FOR v_priv IN
    SELECT u.* FROM df._usage_privileges() u
    WHERE u.part = 'usage' OR (u.part = 'http' AND include_http) OR (u.part = 'administration' AND with_grant)
  LOOP
    EXECUTE format('GRANT %s ON %s %s TO %I', v_priv.privileges, v_priv.object_type, v_priv.object_name, p_role);
  END LOOP;

  -- Remember who granted what (a delegated administrator's grants to itself add nothing).
  IF coalesce(v_caller_super, false) OR v_caller_oid <> v_grantee THEN
    INSERT INTO df.usage_grants AS g (grantee, granted_by, include_http, with_grant)
    VALUES (v_grantee::regrole, (CASE WHEN v_caller_super THEN 0 ELSE v_caller_oid END)::regrole, include_http, with_grant)
    ON CONFLICT (grantee, granted_by) DO UPDATE
      SET include_http = g.include_http OR excluded.include_http,
          with_grant = g.with_grant OR excluded.with_grant,
          granted_at = now();
  END IF;

  RAISE NOTICE '%', format('pg_durable: granted usage to role %I%s%s', p_role,
    CASE WHEN include_http THEN ', including df.http' ELSE '' END,
    CASE WHEN with_grant THEN ', with the right to grant and revoke usage and to read df.metrics' ELSE '' END);
END
$$;
COMMENT ON FUNCTION df.grant_usage(text, boolean, boolean) IS
'Let a role (named exactly as pg_roles spells it) start, watch and run workflows. include_http adds df.http; with_grant '
'makes it a delegated administrator that may also call df.grant_usage, df.revoke_usage and df.metrics (it cannot hand '
'out df.http unless it has it). Grants add up; df.revoke_usage takes everything back. For superusers and delegated '
'administrators.';
