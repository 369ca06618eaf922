-- Removes exactly the two jobs df.schedule_cleanup made for this database.
CREATE FUNCTION df.unschedule_cleanup() RETURNS integer LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_db text := current_database();
  v_n integer;
BEGIN
  PERFORM df._require_pg_cron('SELECT cron.unschedule(jobid) FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db) || ';');
  EXECUTE 'SELECT count(cron.unschedule(jobid))::integer FROM cron.job WHERE ' || df._cleanup_jobs_filter(v_db) INTO v_n;
  RAISE NOTICE '%', format('pg_durable: %s cleanup job(s) of database %I removed', v_n, v_db);
  RETURN v_n;
END
$$;
COMMENT ON FUNCTION df.unschedule_cleanup() IS
'Remove the scheduled cleanup jobs of this database (df.schedule_cleanup); returns how many. For superusers.';
