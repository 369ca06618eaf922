-- The one list of what "usage" of pg_durable is (spec section 13). df.grant_usage grants the
-- rows of the parts it is asked for; df.revoke_usage takes back everything on schema df.
--   usage           what every role that submits workflows needs: the API and, because its
--                   own worker sessions advance its instances, the runtime tables (row-level
--                   security keeps it to its own rows; identity and owner columns are never
--                   updatable, owners default to the current role, and an owner a role
--                   inserts must be itself: the policies check it)
--   http            df.http and df.http_multipart (include_http => true)
--   administration  df.grant_usage, df.revoke_usage, df.metrics, df._health_all (with_grant => true)
-- Routines that are in no part are for superusers only: worker and cleanup scheduling, the
-- administrators' orphan sweep, the cleanup of every role's instances and the internal
-- helpers of these. Every other df routine, present or future, is part of usage.
CREATE FUNCTION df._usage_privileges()
RETURNS TABLE (part text, object_type text, object_name text, privileges text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT v.part, v.object_type, v.object_name, v.privileges FROM (VALUES
    ('usage', 'SCHEMA', 'df', 'USAGE'),
    ('usage', 'TABLE', 'df.instances',
     'SELECT, INSERT (label, vars), UPDATE (status, result, error, updated_at, completed_at)'),
    ('usage', 'TABLE', 'df.nodes',
     'SELECT, INSERT (instance_id, id, node_type, query, result_name, left_node, right_node, parent_node, '
     'condition_node, extra_nodes, retry), UPDATE (status, result, status_details, updated_at)'),
    ('usage', 'TABLE', 'df.vars', 'SELECT, INSERT (name, value), UPDATE (value, retired)'),
    ('usage', 'TABLE', 'df.activations',
     'SELECT, INSERT (id, instance_id, node_id, parent_id, slot, leaf, wake_at, attempt, memo, owner), '
     'UPDATE (memo, wake_at, attempt, runs, retired)'),
    ('usage', 'TABLE', 'df.signals', 'SELECT, INSERT (instance_id, name, data, owner), UPDATE (retired)'),
    ('usage', 'TABLE', 'df.results', 'SELECT, INSERT (instance_id, name, value, owner), UPDATE (value)'),
    ('usage', 'TABLE', 'df.branch_results', 'SELECT, INSERT (activation_id, branch, value, owner)'),
    ('usage', 'TABLE', 'df.map_items', 'SELECT, INSERT (activation_id, item, value, owner)'),
    ('usage', 'TABLE', 'df.map_results', 'SELECT, INSERT (activation_id, item, status, result, owner)'),
    ('usage', 'TABLE', 'df.item_results', 'SELECT, INSERT (activation_id, name, value, owner), UPDATE (value)'),
    ('usage', 'TABLE', 'df.workers', 'SELECT, INSERT (last_seen), UPDATE (last_seen)'),
    ('usage', 'TABLE', 'df.dispatches',
     'SELECT, INSERT (activation_id, instance_id, node_id, kind, request, idempotency_key, attempt, owner), '
     'UPDATE (request, attempt, dispatched_at, lease_token, lease_until, runner, leases, expired_leases)'),
    ('usage', 'SEQUENCE', 'df.activations_id_seq', 'USAGE'),
    ('usage', 'SEQUENCE', 'df.signals_id_seq', 'USAGE')
  ) AS v (part, object_type, object_name, privileges)
  -- A relation of the list that this installation lacks is left out (fewer rights, never
  -- more); the access tests check that every listed relation exists.
  WHERE v.object_type NOT IN ('TABLE', 'SEQUENCE') OR to_regclass(v.object_name) IS NOT NULL
  UNION ALL
  SELECT CASE WHEN p.proname IN ('grant_usage', 'revoke_usage', 'metrics', '_health_all') THEN 'administration'
              WHEN p.proname IN ('http', '_js_http', 'http_multipart', '_js_http_multipart') THEN 'http'
              ELSE 'usage' END,
         'ROUTINE', p.oid::regprocedure::text, 'EXECUTE'
  FROM pg_proc p
  WHERE p.pronamespace = 'df'::regnamespace
    AND p.proname NOT IN ('schedule_workers', 'unschedule_workers', 'fail_orphaned_instances',
                          '_usage_privileges', '_calling_role', '_usage_cascade', '_revoke_usage_parts',
                          '_role_name_hint', '_pg_cron_trusted', '_cron_job_name', '_worker_jobs_filter', '_require_pg_cron',
                          'schedule_cleanup', 'unschedule_cleanup', '_cleanup_instances', '_cleanup_may_apply_policy_to_all',
                          '_cleanup_jobs_filter', '_cleanup_run_details_command', 'set_http_policy')
$$;
COMMENT ON FUNCTION df._usage_privileges() IS 'Internal: every privilege df.grant_usage gives, by part (usage, http, administration)';
