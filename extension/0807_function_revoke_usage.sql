-- Takes back everything on schema df from a role, and then whatever only its grants gave
-- other roles (df._usage_cascade). SECURITY DEFINER like df.grant_usage, so a delegated
-- administrator can revoke what a superuser granted: every grant has the owner as grantor.
CREATE FUNCTION df.revoke_usage(p_role text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_caller text := df._calling_role();
  v_caller_oid oid;
  v_caller_super boolean;
  v_target oid;
  v_target_super boolean;
  v_through text;
  v_jobs bigint;
BEGIN
  IF p_role IS NULL THEN
    RAISE EXCEPTION 'df.revoke_usage needs a role name, got NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT r.oid, r.rolsuper INTO v_target, v_target_super FROM pg_roles r WHERE r.rolname = p_role;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'role "%" does not exist', p_role USING ERRCODE = 'undefined_object', HINT = df._role_name_hint(p_role);
  END IF;

  -- One administrator's change at a time: a grant by an administrator who is being revoked
  -- waits, then sees that it may no longer grant.
  LOCK TABLE df.usage_grants IN EXCLUSIVE MODE;
  SELECT r.oid, r.rolsuper INTO v_caller_oid, v_caller_super FROM pg_roles r WHERE r.rolname = v_caller;
  IF NOT coalesce(v_caller_super, false) AND (v_caller_oid IS NULL
     OR NOT has_function_privilege(v_caller_oid, 'df.revoke_usage(text)'::regprocedure, 'EXECUTE')) THEN
    RAISE EXCEPTION 'role % may not revoke pg_durable usage', quote_ident(v_caller)
      USING ERRCODE = 'insufficient_privilege', HINT = 'Superusers may, and roles granted usage with with_grant => true; call df.revoke_usage directly, not from a SECURITY DEFINER function of another role.';
  END IF;
  IF v_target_super THEN
    RAISE EXCEPTION 'role % is a superuser: it has every privilege whatever is granted, so there is no usage to revoke', quote_ident(p_role)
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'ALTER ROLE … NOSUPERUSER first if it should lose access.';
  END IF;
  IF v_target = (SELECT n.nspowner FROM pg_namespace n WHERE n.nspname = 'df') THEN
    RAISE EXCEPTION 'role % owns pg_durable: its privileges cannot be revoked', quote_ident(p_role)
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF v_target = v_caller_oid THEN
    RAISE EXCEPTION 'role % cannot revoke its own usage', quote_ident(p_role)
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'It would also take back what it granted others. Ask another administrator (a superuser or a role granted usage with with_grant => true) to do it.';
  END IF;

  DELETE FROM df.usage_grants g WHERE g.grantee = v_target::regrole;
  PERFORM df._revoke_usage_parts(p_role, ARRAY['usage']);
  RAISE NOTICE '%', format('pg_durable: revoked usage from role %I', p_role);
  PERFORM df._usage_cascade();

  IF has_schema_privilege(v_target, 'df', 'USAGE') THEN
    SELECT string_agg(quote_ident(m.rolname), ', ' ORDER BY m.rolname) INTO v_through
    FROM pg_roles m
    WHERE m.oid <> v_target AND NOT m.rolsuper AND pg_has_role(v_target, m.oid, 'USAGE')
      AND has_schema_privilege(m.oid, 'df', 'USAGE');
    IF EXISTS (SELECT 1 FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
               WHERE n.nspname = 'df' AND a.grantee = 0) THEN
      RAISE WARNING 'schema df is usable by PUBLIC, so every role can still use pg_durable'
        USING HINT = 'REVOKE ALL ON SCHEMA df FROM PUBLIC; CREATE EXTENSION grants nothing to PUBLIC.';
    ELSIF v_through IS NOT NULL THEN
      RAISE WARNING '%', format('role %I can still use pg_durable through role(s) it belongs to: %s', p_role, v_through)
        USING HINT = 'Revoke usage from those roles too, or revoke their membership.';
    ELSE
      RAISE WARNING '%', format('role %I still holds privileges on schema df granted by a role other than the extension owner', p_role)
        USING HINT = 'Those grants were made outside df.grant_usage; the role that granted them can revoke them (the ACLs of schema df and its objects name it).';
    END IF;
  END IF;

  IF df._pg_cron_trusted() THEN
    EXECUTE 'SELECT count(*) FROM cron.job WHERE ' || df._worker_jobs_filter(p_role, current_database()) INTO v_jobs;
    IF v_jobs > 0 THEN
      RAISE NOTICE '%', format('pg_durable: role %I still has %s pg_cron worker job(s) in this database', p_role, v_jobs)
        USING HINT = format('A superuser can remove them with SELECT df.unschedule_workers(%L);', p_role);
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION df.revoke_usage(text) IS
'Take back from a role (named exactly as pg_roles spells it) everything on schema df, whoever granted it through '
'df.grant_usage, and then what only its grants gave others (a revoked delegated administrator''s grantees lose what '
'they had from it alone). Refuses superusers, the extension owner and the caller itself. For superusers and delegated '
'administrators.';
