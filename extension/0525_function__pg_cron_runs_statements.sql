-- Whether the role's own workers may run its statements that cannot run in a transaction block
-- through pg_cron (spec/outside-steps.md §5, the in-server runner; src/engine/cron-statements.ts):
-- pg_cron is installed in this database (which makes it cron.database_name), is pg_cron's (its
-- schema and the objects called belong to superusers), and the role may schedule and unschedule
-- its own jobs and read their run details (USAGE on schema cron is all it needs from an
-- administrator: pg_cron grants the rest to PUBLIC). pg_cron's settings are for superusers'
-- eyes only, so cron.log_run (on by default), which the runner needs, cannot be checked here.
CREATE FUNCTION df._pg_cron_runs_statements() RETURNS boolean LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF to_regnamespace('cron') IS NULL OR to_regprocedure('cron.schedule(text,text,text)') IS NULL OR to_regprocedure('cron.unschedule(name)') IS NULL
     OR to_regclass('cron.job') IS NULL OR to_regclass('cron.job_run_details') IS NULL
     OR NOT has_schema_privilege('cron', 'USAGE') THEN
    RETURN false;
  END IF;
  RETURN (SELECT bool_and(coalesce(r.rolsuper, false))
          FROM (VALUES ((SELECT n.nspowner FROM pg_namespace n WHERE n.nspname = 'cron')),
                       ((SELECT c.relowner FROM pg_class c WHERE c.oid = 'cron.job'::regclass)),
                       ((SELECT c.relowner FROM pg_class c WHERE c.oid = 'cron.job_run_details'::regclass)),
                       ((SELECT p.proowner FROM pg_proc p WHERE p.oid = 'cron.schedule(text,text,text)'::regprocedure)),
                       ((SELECT p.proowner FROM pg_proc p WHERE p.oid = 'cron.unschedule(name)'::regprocedure))
               ) AS o (owner)
          LEFT JOIN pg_roles r ON r.oid = o.owner)
     AND has_function_privilege('cron.schedule(text,text,text)', 'EXECUTE')
     AND has_function_privilege('cron.unschedule(name)', 'EXECUTE')
     AND has_table_privilege('cron.job_run_details', 'SELECT');
END
$$;
COMMENT ON FUNCTION df._pg_cron_runs_statements() IS
'Internal: true when the current role''s workers can run its statements outside transaction blocks as pg_cron jobs in this database';
