-- Part of every generated upgrade script (build/build.mjs), right before the templates are
-- applied (routines templates re-applied as CREATE OR REPLACE): remembers each routine of the extension by its pg_proc row
-- version (oid and ctid). CREATE OR REPLACE always writes a new row version, so a routine
-- whose row is still the remembered one was not re-applied: no template of the new version
-- declares it (drop_routines_not_reapplied.sql). Transaction-local, and set again by each
-- script of a chained update (0.1.0 → 0.2.0 → 0.3.0 runs in one transaction).
SELECT pg_catalog.set_config('pg_durable.upgrade_routines_before',
  (SELECT COALESCE(pg_catalog.string_agg(p.oid::pg_catalog.text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) p.ctid::pg_catalog.text, ' '), '')
   FROM pg_catalog.pg_proc p
   JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                              AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
   JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'pg_durable'),
  true);
