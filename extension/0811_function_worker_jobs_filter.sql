-- The condition that picks a role's worker jobs for a database out of cron.job: exact
-- comparisons of the role and database columns (no LIKE: '_' and '%' in names are ordinary
-- characters) and the job name prefix of df._cron_job_name. The same text runs in
-- df.unschedule_workers and appears in the hints that tell an administrator what to run in
-- pg_cron's database, so it qualifies what a session's search_path could otherwise redirect.
CREATE FUNCTION df._worker_jobs_filter(p_role text, p_database text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT format('username OPERATOR(pg_catalog.=) %L AND database OPERATOR(pg_catalog.=) %L AND pg_catalog.starts_with(jobname, %L)',
                p_role, p_database, 'pg_durable ')
$$;
COMMENT ON FUNCTION df._worker_jobs_filter(text, text) IS 'Internal: the cron.job condition matching exactly the worker jobs of a role in a database';
