-- Removes exactly the worker jobs df.schedule_workers made for a role in this database (the
-- role need not exist any more: a dropped role's jobs can be removed too).
CREATE FUNCTION df.unschedule_workers(p_role text) RETURNS integer LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
  v_n integer;
BEGIN
  IF p_role IS NULL THEN
    RAISE EXCEPTION 'df.unschedule_workers needs a role name, got NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM df._require_pg_cron('SELECT cron.unschedule(jobid) FROM cron.job WHERE ' || df._worker_jobs_filter(p_role, v_db) || ';');
  EXECUTE 'SELECT count(cron.unschedule(jobid))::integer FROM cron.job WHERE ' || df._worker_jobs_filter(p_role, v_db) INTO v_n;
  RAISE NOTICE '%', format('pg_durable: %s worker job(s) of role %I removed', v_n, p_role);
  RETURN v_n;
END
$$;
COMMENT ON FUNCTION df.unschedule_workers(text) IS
'Remove the pg_cron worker jobs of a role (named exactly as pg_roles spells it) in this database; returns how many. '
'For superusers.';
