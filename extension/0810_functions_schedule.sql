-- Worker provisioning through pg_cron (design: one worker set per role). Each job runs as
-- the role, in this database, a df.work call of about a minute; the next run takes over.
-- Debian's pg_cron 1.4 has minute schedules only; a running worker picks new work up within
-- its idle poll, so latency does not depend on the cron period.
CREATE FUNCTION df.schedule_workers(p_role text, p_workers integer DEFAULT 1, p_idle_poll_ms integer DEFAULT 10)
RETURNS SETOF bigint LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_command text := format('CALL df.work(58, %s)', p_idle_poll_ms);
  v_db text := current_database();
  v_i integer;
BEGIN
  IF p_role IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role AND rolcanlogin) THEN
    RAISE EXCEPTION 'role "%" does not exist or cannot log in', p_role
      USING HINT = 'Workers run in sessions authenticated as the role that owns the workflows.';
  END IF;
  IF p_workers IS NULL OR p_workers < 1 OR p_workers > 32 THEN
    RAISE EXCEPTION 'p_workers must be between 1 and 32, got %', p_workers;
  END IF;
  IF to_regnamespace('cron') IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not installed in database %', v_db
      USING HINT = format('In the database named by cron.database_name, run for each worker: '
        'SELECT cron.schedule_in_database(%L, %L, %L, %L, %L);',
        'pg_durable ' || p_role || ' ' || v_db || ' 1', '* * * * *', v_command, v_db, p_role);
  END IF;
  PERFORM df.unschedule_workers(p_role);
  FOR v_i IN 1 .. p_workers LOOP
    RETURN NEXT cron.schedule_in_database(format('pg_durable %s %s %s', p_role, v_db, v_i), '* * * * *',
                                          v_command, v_db, p_role);
  END LOOP;
  RAISE NOTICE 'pg_durable: % worker job(s) scheduled for role %', p_workers, p_role;
END
$$;
COMMENT ON FUNCTION df.schedule_workers(text, integer, integer) IS 'Run workers for a role as pg_cron jobs (returns the job ids)';

CREATE FUNCTION df.unschedule_workers(p_role text) RETURNS integer LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_job bigint;
  v_n integer := 0;
BEGIN
  IF to_regnamespace('cron') IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not installed in database %', current_database();
  END IF;
  FOR v_job IN EXECUTE 'SELECT jobid FROM cron.job WHERE jobname LIKE $1' USING format('pg_durable %s %s %%', p_role, current_database()) LOOP
    PERFORM cron.unschedule(v_job);
    v_n := v_n + 1;
  END LOOP;
  RETURN v_n;
END
$$;
COMMENT ON FUNCTION df.unschedule_workers(text) IS 'Remove the pg_cron worker jobs of a role in this database';
