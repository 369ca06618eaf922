-- Worker provisioning through pg_cron (design: one worker set per role). Each job runs as
-- the role, in this database, a df.work call of about a minute; the next run takes over.
-- Debian's pg_cron 1.4 has minute schedules only; a running worker picks new work up within
-- its idle poll, so latency does not depend on the cron period. The role's existing worker
-- jobs for this database are replaced. Outside pg_cron's database nothing is scheduled: the
-- error's HINT holds the exact statements to run there. A schema cron that is not pg_cron's
-- is never called (df._require_pg_cron).
CREATE FUNCTION df.schedule_workers(p_role text, p_workers integer DEFAULT 1, p_idle_poll_ms integer DEFAULT 10)
RETURNS SETOF bigint LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
  v_role oid;
  v_command text;
  v_statements text;
  v_i integer;
BEGIN
  SELECT r.oid INTO v_role FROM pg_roles r WHERE r.rolname = p_role AND r.rolcanlogin;
  IF v_role IS NULL THEN
    RAISE EXCEPTION 'role "%" does not exist or cannot log in', p_role
      USING ERRCODE = 'undefined_object', HINT = 'Workers run in sessions authenticated as the role that owns the workflows. '
                   || CASE WHEN EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_role)
                           THEN format('ALTER ROLE %I LOGIN lets it log in.', p_role)
                           ELSE df._role_name_hint(p_role) END;
  END IF;
  IF p_workers IS NULL OR p_workers < 1 OR p_workers > 32 THEN
    RAISE EXCEPTION 'p_workers must be between 1 and 32, got %', coalesce(p_workers::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_idle_poll_ms IS NULL OR p_idle_poll_ms < 1 OR p_idle_poll_ms > 60000 THEN
    RAISE EXCEPTION 'p_idle_poll_ms must be between 1 and 60000, got %', coalesce(p_idle_poll_ms::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT has_function_privilege(v_role, 'df.work(integer,integer,integer)'::regprocedure, 'EXECUTE') THEN
    RAISE EXCEPTION '%', format('role %I has no usage of pg_durable in database %I: its workers would fail', p_role, v_db)
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = format('SELECT df.grant_usage(%L); first.', p_role);
  END IF;
  v_command := format('CALL df.work(58, %s)', p_idle_poll_ms);

  -- What to run in pg_cron's database when pg_cron is not here.
  v_statements := 'SELECT cron.unschedule(jobid) FROM cron.job WHERE ' || df._worker_jobs_filter(p_role, v_db) || ';';
  FOR v_i IN 1 .. p_workers LOOP
    v_statements := v_statements || E'\n' || format('SELECT cron.schedule_in_database(%L, %L, %L, %L, %L);',
      df._cron_job_name(v_db, 'worker ' || v_i), '* * * * *', v_command, v_db, p_role);
  END LOOP;
  PERFORM df._require_pg_cron(v_statements, 'df.schedule_workers');
  EXECUTE 'SELECT count(cron.unschedule(jobid)) FROM cron.job WHERE ' || df._worker_jobs_filter(p_role, v_db);
  FOR v_i IN 1 .. p_workers LOOP
    RETURN NEXT cron.schedule_in_database(df._cron_job_name(v_db, 'worker ' || v_i), '* * * * *'::text, v_command, v_db, p_role, true);
  END LOOP;
  RAISE NOTICE '%', format('pg_durable: %s worker job(s) scheduled for role %I', p_workers, p_role);
END
$$;
COMMENT ON FUNCTION df.schedule_workers(text, integer, integer) IS
'Run p_workers workers for a role (named exactly as pg_roles spells it) as pg_cron jobs in this database, replacing its '
'earlier ones; returns the job ids. In a database without pg_cron, the error''s HINT gives the exact statements to run '
'in pg_cron''s database. For superusers.';
