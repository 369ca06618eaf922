-- Removes exactly the worker jobs df.schedule_workers made for a role in this database (the
-- role need not exist any more: a dropped role's jobs can be removed too).
CREATE FUNCTION df.unschedule_workers(p_role text) RETURNS integer LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
  v_cron_db text := nullif(current_setting('cron.database_name', true), '');
  v_n integer;
BEGIN
  IF p_role IS NULL THEN
    RAISE EXCEPTION 'df.unschedule_workers needs a role name, got NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF to_regnamespace('cron') IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not installed in database %', v_db
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = CASE WHEN v_cron_db IS NULL OR v_cron_db = v_db THEN 'In pg_cron''s database, run as a superuser:'
                        ELSE format('In database %I (cron.database_name), run as a superuser:', v_cron_db) END
                   || E'\n' || 'SELECT cron.unschedule(jobid) FROM cron.job WHERE ' || df._worker_jobs_filter(p_role, v_db) || ';';
  END IF;
  IF NOT df._pg_cron_trusted() THEN
    RAISE EXCEPTION 'schema cron in database % is not pg_cron''s: it or the objects pg_durable would call do not belong to a superuser', v_db
      USING ERRCODE = 'insufficient_privilege', HINT = 'pg_durable only calls pg_cron as a superuser installed it; drop or rename that schema.';
  END IF;
  EXECUTE 'SELECT count(cron.unschedule(jobid))::integer FROM cron.job WHERE ' || df._worker_jobs_filter(p_role, v_db) INTO v_n;
  RAISE NOTICE '%', format('pg_durable: %s worker job(s) of role %I removed', v_n, p_role);
  RETURN v_n;
END
$$;
COMMENT ON FUNCTION df.unschedule_workers(text) IS
'Remove the pg_cron worker jobs of a role (named exactly as pg_roles spells it) in this database; returns how many. '
'For superusers.';
