-- The scheduled cleanup, enabled by one call of a superuser in the database with pg_durable:
-- the two jobs of df._cleanup_job_name (replacing earlier ones), run as the extension owner
-- (a superuser's df.run_cleanup covers every role). pg_cron 1.4 has minute schedules; the
-- default runs hourly, at minute 17. Outside pg_cron's database nothing is scheduled: the
-- error's HINT holds the exact statements to run there, as for df.schedule_workers. A schema
-- cron that is not pg_cron's (df._pg_cron_trusted) is never called.
CREATE FUNCTION df.schedule_cleanup(schedule text DEFAULT '17 * * * *') RETURNS SETOF bigint LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
  v_cron_db text := nullif(current_setting('cron.database_name', true), '');
  v_owner text;
  v_owner_login boolean;
  v_details text;
  v_statements text;
BEGIN
  IF schedule IS NULL OR btrim(schedule) = '' THEN
    RAISE EXCEPTION 'df.schedule_cleanup needs a cron schedule, got %', coalesce(quote_literal(schedule), 'NULL')
      USING ERRCODE = 'invalid_parameter_value', HINT = 'For example SELECT df.schedule_cleanup(''17 * * * *''); (hourly).';
  END IF;
  SELECT r.rolname, r.rolcanlogin INTO v_owner, v_owner_login
  FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'df';
  IF NOT v_owner_login THEN
    RAISE EXCEPTION '%', format('role %I owns pg_durable but cannot log in, so pg_cron cannot run the cleanup as it', v_owner)
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = format('ALTER ROLE %I LOGIN lets it log in.', v_owner);
  END IF;
  -- Validates the period now rather than in the first run.
  v_details := df._cleanup_run_details_command(v_db, (SELECT s.retention_period FROM df._retention_settings() s));

  IF to_regnamespace('cron') IS NULL THEN
    v_statements := 'SELECT cron.unschedule(jobid) FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db) || ';'
      || E'\n' || format('SELECT cron.schedule_in_database(%L, %L, %L, %L, %L);',
                         df._cleanup_job_name(v_db, 'cleanup'), schedule, 'CALL df.run_cleanup()', v_db, v_owner)
      || E'\n' || format('SELECT cron.schedule_in_database(%L, %L, %L, pg_catalog.current_database(), %L);',
                         df._cleanup_job_name(v_db, 'run details'), schedule, v_details, v_owner);
    RAISE EXCEPTION 'pg_cron is not installed in database %', v_db
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = CASE
        WHEN v_cron_db IS NULL THEN
          'pg_cron is not loaded on this server: add it to shared_preload_libraries, restart, CREATE EXTENSION pg_cron in the database named by cron.database_name, and run there:'
        WHEN v_cron_db = v_db THEN
          'This is pg_cron''s database (cron.database_name): CREATE EXTENSION pg_cron, then call df.schedule_cleanup again or run:'
        ELSE format('In database %I (cron.database_name), run as a superuser:', v_cron_db)
      END || E'\n' || v_statements;
  END IF;

  IF NOT df._pg_cron_trusted() THEN
    RAISE EXCEPTION 'schema cron in database % is not pg_cron''s: it or the objects pg_durable would call do not belong to a superuser', v_db
      USING ERRCODE = 'insufficient_privilege', HINT = 'pg_durable only calls pg_cron as a superuser installed it; drop or rename that schema.';
  END IF;
  EXECUTE 'SELECT count(cron.unschedule(jobid)) FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db);
  RETURN NEXT cron.schedule_in_database(df._cleanup_job_name(v_db, 'cleanup'), schedule, 'CALL df.run_cleanup()'::text, v_db, v_owner, true);
  RETURN NEXT cron.schedule_in_database(df._cleanup_job_name(v_db, 'run details'), schedule, v_details, v_db, v_owner, true);
  RAISE NOTICE '%', format('pg_durable: cleanup scheduled (%s) for database %I, run as role %I', schedule, v_db, v_owner);
END
$$;
COMMENT ON FUNCTION df.schedule_cleanup(text) IS
'Schedule the retention cleanup of this database as pg_cron jobs (default hourly, at minute 17), replacing earlier '
'ones; returns the job ids. They run df.run_cleanup() and remove old cron.job_run_details rows of pg_durable''s jobs. In '
'a database without pg_cron, the error''s HINT gives the exact statements to run in pg_cron''s database. For superusers.';
