-- A dropped role can never run its workflows again (no session can authenticate as it):
-- this ends them cleanly. For administrators; not granted by df.grant_usage.
CREATE FUNCTION df.fail_orphaned_instances() RETURNS integer LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_n integer;
BEGIN
  WITH orphans AS (
    UPDATE df.instances i
    SET status = 'failed', error = format('the role that started this instance (oid %s) was dropped', i.submitted_by::oid),
        updated_at = now(), completed_at = now()
    WHERE i.status IN ('pending', 'running')
      AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = i.submitted_by::oid)
    RETURNING i.id
  ), work AS (
    DELETE FROM df.activations a USING orphans o WHERE a.instance_id = o.id
  ), running_nodes AS (
    UPDATE df.nodes n SET status = 'failed', result = to_jsonb('role dropped'::text), updated_at = now()
    FROM orphans o WHERE n.instance_id = o.id AND n.status = 'running'
  )
  SELECT count(*) INTO v_n FROM orphans;
  RETURN v_n;
END
$$;
COMMENT ON FUNCTION df.fail_orphaned_instances() IS 'Fail the unfinished instances of dropped roles; returns how many';
