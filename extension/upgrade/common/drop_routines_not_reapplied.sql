-- Part of every generated upgrade script (build/build.mjs), right after the templates were
-- applied (routines templates re-applied): every routine of the extension that none of them
-- re-applied (its pg_proc row is the one remember_routines.sql saw) is not part of the new
-- version, so it is dropped, as a fresh install would not have it. Never CASCADE: a routine that
-- something kept still needs (an operator, a policy, a routine of the new version) stops the
-- upgrade with PostgreSQL's own error naming the dependent object. Routines that need each
-- other are dropped in whichever order works.
DO $upgrade$
DECLARE
  v_before pg_catalog.text[] := pg_catalog.string_to_array(
    pg_catalog.current_setting('pg_durable.upgrade_routines_before'), ' ');
  v_left pg_catalog.regprocedure[];
  v_routine pg_catalog.regprocedure;
  v_dropped boolean;
BEGIN
  SELECT pg_catalog.array_agg(p.oid::pg_catalog.regprocedure ORDER BY p.oid) INTO v_left
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                             AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
  JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'pg_durable'
  WHERE (p.oid::pg_catalog.text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) p.ctid::pg_catalog.text)
        OPERATOR(pg_catalog.=) ANY (v_before);
  WHILE pg_catalog.cardinality(v_left) OPERATOR(pg_catalog.>) 0 LOOP
    v_dropped := false;
    FOREACH v_routine IN ARRAY v_left LOOP
      BEGIN
        EXECUTE pg_catalog.format('DROP ROUTINE %s', v_routine);
        v_left := pg_catalog.array_remove(v_left, v_routine);
        v_dropped := true;
      EXCEPTION WHEN dependent_objects_still_exist THEN
        NULL;  -- another routine left to drop may still need it: try again after it
      END;
    END LOOP;
    IF NOT v_dropped THEN
      EXECUTE pg_catalog.format('DROP ROUTINE %s', v_left[1]);  -- raises the dependency error
    END IF;
  END LOOP;
END
$upgrade$;
