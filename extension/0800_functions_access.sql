-- Access management (spec section 13). Nothing is granted to PUBLIC; an administrator
-- grants each role that submits workflows what it needs: the API and, because its own
-- worker sessions advance its instances, the runtime tables (row-level security keeps
-- each role to its own rows; identity columns are never writable).
CREATE FUNCTION df.grant_usage(p_role text, include_http boolean DEFAULT false, with_grant boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_role text := quote_ident(p_role);
  v_grant text := CASE WHEN with_grant THEN ' WITH GRANT OPTION' ELSE '' END;
  v_fn regprocedure;
BEGIN
  IF p_role IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN
    RAISE EXCEPTION 'role "%" does not exist', p_role;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA df TO %s%s', v_role, v_grant);
  FOR v_fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'df'::regnamespace
      AND p.proname NOT IN ('metrics', 'grant_usage', 'revoke_usage', 'schedule_workers', 'unschedule_workers', 'fail_orphaned_instances')
      AND (include_http OR p.proname <> 'http')
  LOOP
    EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %s%s', v_fn, v_role, v_grant);
  END LOOP;
  EXECUTE format('GRANT SELECT, INSERT (id, label, vars), UPDATE (status, result, error, updated_at, completed_at) ON df.instances TO %s%s', v_role, v_grant);
  EXECUTE format('GRANT SELECT, INSERT (instance_id, id, node_type, query, result_name, left_node, right_node, parent_node, condition_node, extra_nodes, retry), UPDATE (status, result, status_details, updated_at) ON df.nodes TO %s%s', v_role, v_grant);
  EXECUTE format('GRANT SELECT, INSERT (name, value), UPDATE (value), DELETE ON df.vars TO %s%s', v_role, v_grant);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE (memo, wake_at, attempt), DELETE ON df.activations TO %s%s', v_role, v_grant);
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON df.signals TO %s%s', v_role, v_grant);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE (value) ON df.results TO %s%s', v_role, v_grant);
  EXECUTE format('GRANT SELECT, INSERT ON df.branch_results TO %s%s', v_role, v_grant);
  EXECUTE format('GRANT USAGE ON SEQUENCE df.activations_id_seq, df.signals_id_seq TO %s%s', v_role, v_grant);
  RAISE NOTICE 'pg_durable: granted usage to role %', p_role;
END
$$;
COMMENT ON FUNCTION df.grant_usage(text, boolean, boolean) IS 'Let a role start, watch and run workflows';

CREATE FUNCTION df.revoke_usage(p_role text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_role text := quote_ident(p_role);
BEGIN
  IF p_role IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN
    RAISE EXCEPTION 'role "%" does not exist', p_role;
  END IF;
  EXECUTE format('REVOKE ALL ON ALL ROUTINES IN SCHEMA df FROM %s', v_role);
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA df FROM %s', v_role);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA df FROM %s', v_role);
  EXECUTE format('REVOKE ALL ON SCHEMA df FROM %s', v_role);
  RAISE NOTICE 'pg_durable: revoked usage from role %', p_role;
END
$$;
COMMENT ON FUNCTION df.revoke_usage(text) IS 'Take back what df.grant_usage gave a role';
