-- What the calls that schedule and unschedule pg_cron jobs (df.schedule_workers,
-- df.unschedule_workers, df.schedule_cleanup, df.unschedule_cleanup) require before they call
-- pg_cron. pg_cron installed in this database: else nothing is done, and the error's HINT
-- holds p_statements, the exact statements that do it in pg_cron's database. p_again names the
-- scheduling call, which the HINT offers to call again where this is pg_cron's database but the
-- extension is still to be created; NULL for a removal (nothing to remove there). And schema
-- cron pg_cron's (df._pg_cron_trusted): one that is not is never called.
CREATE FUNCTION df._require_pg_cron(p_statements text, p_again text DEFAULT NULL) RETURNS void LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
  v_cron_db text := nullif(current_setting('cron.database_name', true), '');
BEGIN
  IF to_regnamespace('cron') IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not installed in database %', v_db
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = CASE
        WHEN p_again IS NULL AND (v_cron_db IS NULL OR v_cron_db = v_db) THEN 'In pg_cron''s database, run as a superuser:'
        WHEN v_cron_db IS NULL THEN
          'pg_cron is not loaded on this server: add it to shared_preload_libraries, restart, CREATE EXTENSION pg_cron in the database named by cron.database_name, and run there:'
        WHEN v_cron_db = v_db THEN
          format('This is pg_cron''s database (cron.database_name): CREATE EXTENSION pg_cron, then call %s again or run:', p_again)
        ELSE format('In database %I (cron.database_name), run as a superuser:', v_cron_db)
      END || E'\n' || p_statements;
  END IF;
  IF NOT df._pg_cron_trusted() THEN
    RAISE EXCEPTION 'schema cron in database % is not pg_cron''s: it or the objects pg_durable would call do not belong to a superuser', v_db
      USING ERRCODE = 'insufficient_privilege', HINT = 'pg_durable only calls pg_cron as a superuser installed it; drop or rename that schema.';
  END IF;
END
$$;
COMMENT ON FUNCTION df._require_pg_cron(text, text) IS
'Internal: raises unless pg_cron is installed in this database (the HINT then gives p_statements to run in pg_cron''s database) and schema cron is pg_cron''s';
