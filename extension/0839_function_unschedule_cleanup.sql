-- Removes exactly the two jobs df.schedule_cleanup made for this database.
CREATE FUNCTION df.unschedule_cleanup() RETURNS integer LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
  v_cron_db text := nullif(current_setting('cron.database_name', true), '');
  v_n integer;
BEGIN
  IF to_regnamespace('cron') IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not installed in database %', v_db
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = CASE WHEN v_cron_db IS NULL OR v_cron_db = v_db THEN 'In pg_cron''s database, run as a superuser:'
                        ELSE format('In database %I (cron.database_name), run as a superuser:', v_cron_db) END
                   || E'\n' || 'SELECT cron.unschedule(jobid) FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db) || ';';
  END IF;
  IF NOT df._pg_cron_trusted() THEN
    RAISE EXCEPTION 'schema cron in database % is not pg_cron''s: it or the objects pg_durable would call do not belong to a superuser', v_db
      USING ERRCODE = 'insufficient_privilege', HINT = 'pg_durable only calls pg_cron as a superuser installed it; drop or rename that schema.';
  END IF;
  EXECUTE 'SELECT count(cron.unschedule(jobid))::integer FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db) INTO v_n;
  RAISE NOTICE '%', format('pg_durable: %s cleanup job(s) of database %I removed', v_n, v_db);
  RETURN v_n;
END
$$;
COMMENT ON FUNCTION df.unschedule_cleanup() IS
'Remove the scheduled cleanup jobs of this database (df.schedule_cleanup); returns how many. For superusers.';
