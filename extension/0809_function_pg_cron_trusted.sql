-- pg_durable calls pg_cron (as a superuser in the scheduling calls, see df._require_pg_cron,
-- and as the extension owner in df.revoke_usage) only when what it calls is pg_cron's:
-- schema cron, table cron.job and the two functions all belong to superusers. A schema named
-- cron that some other role created (one with CREATE on the database can) could otherwise
-- run its code with a superuser's rights.
CREATE FUNCTION df._pg_cron_trusted() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT bool_and(coalesce(r.rolsuper, false))
  FROM (VALUES ((SELECT n.nspowner FROM pg_namespace n WHERE n.nspname = 'cron')),
               ((SELECT c.relowner FROM pg_class c WHERE c.oid = to_regclass('cron.job'))),
               ((SELECT p.proowner FROM pg_proc p
                 WHERE p.oid = to_regprocedure('cron.schedule_in_database(text,text,text,text,text,boolean)'))),
               ((SELECT p.proowner FROM pg_proc p WHERE p.oid = to_regprocedure('cron.unschedule(bigint)')))
       ) AS o (owner)
  LEFT JOIN pg_roles r ON r.oid = o.owner
$$;
COMMENT ON FUNCTION df._pg_cron_trusted() IS 'Internal: true when schema cron and the pg_cron objects pg_durable calls all belong to superusers';
