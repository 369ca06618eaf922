-- df.cleanup committing after each batch, so that a large backlog never makes one long
-- transaction; the scheduled cleanup job runs it (pg_cron calls it at top level). A procedure
-- with a SET clause cannot commit, so every name below is qualified instead (types too: a
-- type named like a built-in one on the session's search_path would otherwise be taken).
-- Called inside a transaction block it cannot commit: use df.cleanup there.
CREATE PROCEDURE df.run_cleanup(older_than interval DEFAULT NULL, INOUT removed bigint DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
  v_owners pg_catalog.regrole[];
  v_owner pg_catalog.regrole;
  v_removed pg_catalog.int8;
  v_after_at pg_catalog.timestamptz;
  v_after_id pg_catalog.text;
BEGIN
  IF older_than OPERATOR(pg_catalog.<) '0'::pg_catalog.interval THEN
    RAISE EXCEPTION 'older_than must not be negative, got %', older_than USING ERRCODE = 'invalid_parameter_value';
  END IF;
  removed := 0;
  v_owners := ARRAY(SELECT df._cleanup_owners());
  FOREACH v_owner IN ARRAY v_owners LOOP
    v_after_at := NULL;
    v_after_id := NULL;
    LOOP
      SELECT b.removed, b.last_created_at, b.last_id INTO v_removed, v_after_at, v_after_id
      FROM df._cleanup_batch(v_owner, older_than, v_after_at, v_after_id) b;
      removed := removed OPERATOR(pg_catalog.+) v_removed;
      COMMIT;
      EXIT WHEN v_after_id IS NULL;
    END LOOP;
  END LOOP;
END
$$;
COMMENT ON PROCEDURE df.run_cleanup(interval, bigint) IS
'df.cleanup, committing after each batch (at most pg_durable.cleanup_batch_size instances); removed says how many. '
'The scheduled cleanup (df.schedule_cleanup) runs it. Call it at top level, not inside a transaction block.';
