-- The scheduled cleanup, enabled by one call of a superuser in the database with pg_durable:
-- the two cleanup jobs (0837), replacing earlier ones, run as the extension owner (a
-- superuser's df.run_cleanup covers every role). pg_cron 1.4 has minute schedules; the
-- default runs hourly, at minute 17. Outside pg_cron's database nothing is scheduled: the
-- error's HINT holds the exact statements to run there, as for df.schedule_workers. A schema
-- cron that is not pg_cron's is never called (df._require_pg_cron).
CREATE FUNCTION df.schedule_cleanup(schedule text DEFAULT '17 * * * *') RETURNS SETOF bigint LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
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

  -- What to run in pg_cron's database when pg_cron is not here.
  v_statements := 'SELECT cron.unschedule(jobid) FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db) || ';'
    || E'\n' || format('SELECT cron.schedule_in_database(%L, %L, %L, %L, %L);',
                       df._cron_job_name(v_db, 'cleanup'), schedule, 'CALL df.run_cleanup()', v_db, v_owner)
    || E'\n' || format('SELECT cron.schedule_in_database(%L, %L, %L, pg_catalog.current_database(), %L);',
                       df._cron_job_name(v_db, 'run details'), schedule, v_details, v_owner);
  PERFORM df._require_pg_cron(v_statements, 'df.schedule_cleanup');
  EXECUTE 'SELECT count(cron.unschedule(jobid)) FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db);
  RETURN NEXT cron.schedule_in_database(df._cron_job_name(v_db, 'cleanup'), schedule, 'CALL df.run_cleanup()'::text, v_db, v_owner, true);
  RETURN NEXT cron.schedule_in_database(df._cron_job_name(v_db, 'run details'), schedule, v_details, v_db, v_owner, true);
  RAISE NOTICE '%', format('pg_durable: cleanup scheduled (%s) for database %I, run as role %I', schedule, v_db, v_owner);
END
$$;
COMMENT ON FUNCTION df.schedule_cleanup(text) IS
'Schedule the retention cleanup of this database as pg_cron jobs (default hourly, at minute 17), replacing earlier '
'ones; returns the job ids. They run df.run_cleanup() and remove old cron.job_run_details rows of pg_durable''s jobs. In '
'a database without pg_cron, the error''s HINT gives the exact statements to run in pg_cron''s database. For superusers.';
