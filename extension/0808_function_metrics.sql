-- Totals over every role's instances (spec section 12). For administrators only: SECURITY
-- DEFINER so that a delegated administrator sees all roles' rows, and executable only by
-- superusers and roles granted usage with with_grant => true. Nodes count only as part of
-- the instance of the same owner.
CREATE FUNCTION df.metrics()
RETURNS TABLE (total_instances bigint, running_instances bigint, completed_instances bigint, failed_instances bigint,
               total_executions bigint, total_events bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT count(*), count(*) FILTER (WHERE i.status = 'running'), count(*) FILTER (WHERE i.status = 'completed'),
         count(*) FILTER (WHERE i.status = 'failed'), count(*),
         (SELECT count(*) FROM df.nodes n JOIN df.instances o ON o.id = n.instance_id AND o.submitted_by = n.submitted_by
          WHERE n.status IN ('completed', 'failed'))
  FROM df.instances i
$$;
COMMENT ON FUNCTION df.metrics() IS
'Totals over all roles'' instances: total, running, completed, failed, executions (one per instance) and events (steps '
'that ended). For superusers and delegated administrators (df.grant_usage with with_grant => true).';
