-- The scheduled cleanup is two pg_cron jobs per database with pg_durable, both run as the
-- extension owner:
--   'pg_durable <database> cleanup'      in that database: CALL df.run_cleanup()
--   'pg_durable <database> run details'  in pg_cron's database (cron.job_run_details lives
--                                        there, and pg_cron is in one database only): removes
--                                        run details older than the retention period of the
--                                        jobs pg_durable named for that database (its workers,
--                                        these two), in batches that commit
-- Both names are df._cron_job_name's.

-- The cron.job condition matching exactly the two cleanup jobs of a database; it runs in
-- pg_cron's database, where current_database() names the run-details job's database.
CREATE FUNCTION df._cleanup_jobs_filter(p_database text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT format('(jobname OPERATOR(pg_catalog.=) %L AND database OPERATOR(pg_catalog.=) %L'
                ' OR jobname OPERATOR(pg_catalog.=) %L AND database OPERATOR(pg_catalog.=) pg_catalog.current_database())',
                df._cron_job_name(p_database, 'cleanup'), p_database, df._cron_job_name(p_database, 'run details'))
$$;
COMMENT ON FUNCTION df._cleanup_jobs_filter(text) IS 'Internal: the cron.job condition matching the scheduled cleanup jobs of a database';

-- The run-details job's command, one line (it also appears in HINTs). The period is fixed
-- when the job is scheduled: df.schedule_cleanup again after changing it. Run details of
-- jobs that no longer exist (a role's workers unscheduled or rescheduled) carry no job name
-- any more and are left alone. IntervalStyle is pinned so the period reads back the same.
CREATE FUNCTION df._cleanup_run_details_command(p_database text, p_period interval) RETURNS text LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
SET IntervalStyle = 'postgres'
AS $$
  SELECT format(
    'DO $pg_durable$ BEGIN LOOP '
    'DELETE FROM cron.job_run_details d WHERE d.runid OPERATOR(pg_catalog.=) ANY (ARRAY('
    'SELECT r.runid FROM cron.job_run_details r JOIN cron.job j ON j.jobid OPERATOR(pg_catalog.=) r.jobid '
    'WHERE pg_catalog.starts_with(j.jobname, %L) AND (j.database OPERATOR(pg_catalog.=) %L '
    'OR j.jobname OPERATOR(pg_catalog.=) %L AND j.database OPERATOR(pg_catalog.=) pg_catalog.current_database()) '
    'AND coalesce(r.end_time, r.start_time) OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) %L::pg_catalog.interval) '
    'LIMIT 10000)); '
    'EXIT WHEN NOT FOUND; COMMIT; END LOOP; END $pg_durable$',
    'pg_durable ', p_database, df._cron_job_name(p_database, 'run details'), p_period::text)
$$;
COMMENT ON FUNCTION df._cleanup_run_details_command(text, interval) IS
'Internal: the command of the job that removes old cron.job_run_details rows of a database''s pg_durable jobs';
