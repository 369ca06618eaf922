-- Whose instances a cleanup call may remove, for callers that are not superusers (SECURITY
-- DEFINER: users hold no DELETE right, see df._sweep). The caller is the role the session acts
-- as (df._calling_role; a role that runs another role's code lends it what it may do with its
-- own instances, as an invoker function would). A role removes its own, as old as it asks;
-- other roles' instances only ever go by the administrator's policy (retention period and
-- cap), which delegated administrators (and the extension owner) may apply to every role ahead
-- of the scheduled cleanup. So nothing reached through these functions, even from a SECURITY
-- DEFINER function some other role wrote, removes an instance of another role that the policy
-- would keep; removing younger ones of every role takes df._cleanup_instances, which only
-- superusers may execute.
CREATE FUNCTION df._cleanup_may_apply_policy_to_all(p_caller_oid oid, p_caller_super boolean) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(p_caller_super, false)
         OR (p_caller_oid IS NOT NULL
             AND has_function_privilege(p_caller_oid, 'df.grant_usage(text,boolean,boolean)'::regprocedure, 'EXECUTE'))
$$;
COMMENT ON FUNCTION df._cleanup_may_apply_policy_to_all(oid, boolean) IS
'Internal: whether a role may apply the retention policy to every role''s instances (superusers, delegated administrators)';

-- The roles a cleanup call goes through: every role with instances (dropped roles' too) for
-- those who may apply the policy to all, else the caller alone. A loose index scan: one probe
-- of instances_submitted_by_created_idx per role.
CREATE FUNCTION df._cleanup_owners() RETURNS SETOF regrole
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_caller_oid oid;
  v_caller_super boolean;
BEGIN
  SELECT r.oid, r.rolsuper INTO v_caller_oid, v_caller_super FROM pg_roles r WHERE r.rolname = df._calling_role();
  IF NOT df._cleanup_may_apply_policy_to_all(v_caller_oid, v_caller_super) THEN
    RETURN QUERY SELECT v_caller_oid::regrole WHERE v_caller_oid IS NOT NULL;
    RETURN;
  END IF;
  RETURN QUERY
  WITH RECURSIVE owners (owner) AS (
    (SELECT i.submitted_by::oid FROM df.instances i ORDER BY i.submitted_by::oid LIMIT 1)
    UNION ALL
    SELECT (SELECT i.submitted_by::oid FROM df.instances i WHERE i.submitted_by::oid > o.owner
            ORDER BY i.submitted_by::oid LIMIT 1)
    FROM owners o WHERE o.owner IS NOT NULL
  )
  SELECT o.owner::regrole FROM owners o WHERE o.owner IS NOT NULL;
END
$$;
COMMENT ON FUNCTION df._cleanup_owners() IS
'Internal: the roles whose instances a cleanup call of this session goes through';

CREATE FUNCTION df._cleanup_scoped(p_owner regrole, p_older_than interval,
                                   p_after_at timestamptz DEFAULT NULL, p_after_id text DEFAULT NULL)
RETURNS TABLE (removed bigint, last_created_at timestamptz, last_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_caller text := df._calling_role();
  v_caller_oid oid;
  v_caller_super boolean;
  v_policy interval := (SELECT s.retention_period FROM df._retention_settings() s);
BEGIN
  IF p_owner IS NULL THEN
    RAISE EXCEPTION 'df._cleanup_scoped needs a role, got NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT r.oid, r.rolsuper INTO v_caller_oid, v_caller_super FROM pg_roles r WHERE r.rolname = v_caller;
  IF p_owner::oid = v_caller_oid THEN
    RETURN QUERY SELECT * FROM df._cleanup_instances(p_owner, coalesce(p_older_than, v_policy), p_after_at, p_after_id);
  ELSIF df._cleanup_may_apply_policy_to_all(v_caller_oid, v_caller_super) THEN
    RETURN QUERY SELECT * FROM df._cleanup_instances(p_owner, v_policy, p_after_at, p_after_id);
  ELSE
    RAISE EXCEPTION 'role % may only clean up its own instances', quote_ident(v_caller)
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'SELECT df.cleanup(); removes your own. Superusers and delegated administrators clean up every role''s.';
  END IF;
END
$$;
COMMENT ON FUNCTION df._cleanup_scoped(regrole, interval, timestamptz, text) IS
'Internal: one cleanup batch of a role''s instances, as far as the calling role may go (its own as old as it asks, '
'others'' by the retention policy)';
