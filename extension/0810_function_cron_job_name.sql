-- pg_cron job names: 'pg_durable <database> <job>', where the job is 'worker <n>'
-- (df.schedule_workers) or 'cleanup' and 'run details' (df.schedule_cleanup). The job's role
-- is its username column (pg_cron keys jobs by name and username), so the name only has to
-- tell databases and jobs apart. pg_cron stores names as type name (at most 63 bytes, cut
-- silently, and a second job of the same name and username silently replaces the first): a
-- database name too long to fit is shortened and tagged with a hash of the whole name.
CREATE FUNCTION df._cron_job_name(p_database text, p_job text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_prefix constant text := 'pg_durable ';
  v_suffix text := ' ' || p_job;
  v_tag text;
  v_db text := p_database;
BEGIN
  IF octet_length(v_prefix || v_db || v_suffix) <= 63 THEN
    RETURN v_prefix || v_db || v_suffix;
  END IF;
  v_tag := '~' || left(md5(p_database), 8);
  WHILE octet_length(v_prefix || v_db || v_tag || v_suffix) > 63 LOOP
    v_db := left(v_db, -1);
  END LOOP;
  RETURN v_prefix || v_db || v_tag || v_suffix;
END
$$;
COMMENT ON FUNCTION df._cron_job_name(text, text) IS
'Internal: the pg_cron job name of a job of a database (''worker <n>'', ''cleanup'', ''run details''): at most 63 bytes, unique per database';
