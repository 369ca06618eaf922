-- Retention, on demand. Removes terminal instances (completed, failed, cancelled) that ended
-- more than older_than ago (NULL: pg_durable.retention_period), and those beyond the newest
-- pg_durable.retention_max_instances of each role, with every row of theirs. Pending and
-- running instances (sleeping, waiting for a signal) are never touched, however old. A role
-- removes its own; superusers every role's; delegated administrators their own and, by the
-- policy only, everyone's. Batch by batch in the caller's transaction (each batch a few
-- statements over at most pg_durable.cleanup_batch_size instances, waiting for no one);
-- CALL df.run_cleanup() commits after each batch instead.
CREATE FUNCTION df.cleanup(older_than interval DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_owner regrole;
  v_batch record;
  v_after_at timestamptz;
  v_after_id text;
  v_total bigint := 0;
BEGIN
  IF older_than < '0'::interval THEN
    RAISE EXCEPTION 'older_than must not be negative, got %', older_than USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOREACH v_owner IN ARRAY ARRAY(SELECT df._cleanup_owners()) LOOP
    v_after_at := NULL;
    v_after_id := NULL;
    LOOP
      SELECT * INTO v_batch FROM df._cleanup_batch(v_owner, older_than, v_after_at, v_after_id);
      v_total := v_total + v_batch.removed;
      EXIT WHEN v_batch.last_id IS NULL;
      v_after_at := v_batch.last_created_at;
      v_after_id := v_batch.last_id;
    END LOOP;
  END LOOP;
  RETURN v_total;
END
$$;
COMMENT ON FUNCTION df.cleanup(interval) IS
'Remove terminal instances that ended more than older_than ago (NULL: pg_durable.retention_period, default 30 days) '
'or beyond the newest pg_durable.retention_max_instances of their role (default 100000), with all their rows; returns '
'how many. Unfinished instances are never touched. Your own instances; a superuser''s call covers every role. Runs in '
'the caller''s transaction; CALL df.run_cleanup() commits after each batch.';
