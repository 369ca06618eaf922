-- A dropped role can never run its workflows again (no session can authenticate as it).
-- Every worker calls this once per df.work call, so a dropped role's unfinished instances
-- fail on their own: status failed with an error naming the role's oid, pending work and
-- buffered signals gone, nodes still running marked failed. It touches nothing of a role
-- that exists, so every role with usage may run it (SECURITY DEFINER: it must see rows no
-- existing role owns). Cheap when there is nothing to do: one probe of the partial index on
-- unfinished instances per distinct owner (a loose index scan), then one catalog lookup
-- each. Rows another session is failing right now are skipped, never waited for.
CREATE FUNCTION df._fail_orphaned_instances() RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_owners oid[];
  v_n integer;
BEGIN
  WITH RECURSIVE owners (owner) AS (
    (SELECT i.submitted_by::oid FROM df.instances i
     WHERE i.status IN ('pending', 'running')
     ORDER BY i.submitted_by::oid LIMIT 1)
    UNION ALL
    SELECT (SELECT i.submitted_by::oid FROM df.instances i
            WHERE i.status IN ('pending', 'running') AND i.submitted_by::oid > o.owner
            ORDER BY i.submitted_by::oid LIMIT 1)
    FROM owners o WHERE o.owner IS NOT NULL
  )
  SELECT array_agg(o.owner) INTO v_owners
  FROM owners o
  WHERE o.owner IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = o.owner);
  IF v_owners IS NULL THEN
    RETURN 0;
  END IF;

  WITH orphans AS (
    SELECT i.id, i.submitted_by FROM df.instances i
    WHERE i.submitted_by::oid = ANY (v_owners) AND i.status IN ('pending', 'running')
    FOR UPDATE SKIP LOCKED
  ), failed AS (
    UPDATE df.instances i
    SET status = 'failed',
        error = format('the role that started this instance (oid %s) was dropped', i.submitted_by::oid),
        updated_at = now()
    FROM orphans o WHERE i.id = o.id AND i.submitted_by = o.submitted_by
    RETURNING i.id, i.submitted_by, i.error
  ), work AS (
    DELETE FROM df.activations a USING failed f WHERE a.owner = f.submitted_by AND a.instance_id = f.id
  ), signals AS (
    DELETE FROM df.signals s USING failed f WHERE s.owner = f.submitted_by AND s.instance_id = f.id
  ), running_nodes AS (
    UPDATE df.nodes n SET status = 'failed', result = to_jsonb(f.error), updated_at = now()
    FROM failed f WHERE n.submitted_by = f.submitted_by AND n.instance_id = f.id AND n.status = 'running'
  )
  SELECT count(*) INTO v_n FROM failed;
  RETURN v_n;
END
$$;
COMMENT ON FUNCTION df._fail_orphaned_instances() IS
'Fail the unfinished instances of roles that were dropped; returns how many. Workers call it on every df.work call; '
'safe for every role with usage (it touches only instances no existing role owns).';
