// Traps for the name-resolution tests (class 3): in the world-writable `public`, a function for
// every pg_catalog function, an operator for every pg_catalog operator, the aggregates the
// engine, monitoring and cleanup could name (count, string_agg, array_agg, min and max of
// timestamptz) and, last, composite types named like the built-in base types, so that any
// unqualified type name is an error. Each function raises 'pg_durable trap: …'. A session that
// puts `public` before pg_catalog on its search_path reaches a trap with every unqualified name.
import type pg from 'pg';
import { ident } from './roles.js';

const PLANT_TRAPS = `
DO $plant$
DECLARE
  f record;
  trap text;
BEGIN
  FOR f IN
    SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
           pg_catalog.pg_get_function_result(p.oid) AS ret
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f'
  LOOP
    trap := format('BEGIN RAISE EXCEPTION %L; END', 'pg_durable trap: public.' || f.proname || '(' || f.args || ')');
    BEGIN
      EXECUTE format('CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql AS %L', f.proname, f.args, f.ret, trap);
    EXCEPTION WHEN others THEN NULL; -- internal or pseudo types: not callable from SQL anyway
    END;
  END LOOP;
  FOR f IN
    SELECT o.oid, o.oprname, o.oprleft::regtype AS l, o.oprright::regtype AS r, o.oprresult::regtype AS res, o.oprleft = 0 AS prefix
    FROM pg_catalog.pg_operator o WHERE o.oprnamespace = 'pg_catalog'::regnamespace
  LOOP
    trap := format('BEGIN RAISE EXCEPTION %L; END', 'pg_durable trap: public.' || f.oprname);
    BEGIN
      IF f.prefix THEN
        EXECUTE format('CREATE FUNCTION public.pgd_trap_op_%s(%s) RETURNS %s LANGUAGE plpgsql AS %L', f.oid, f.r, f.res, trap);
        EXECUTE format('CREATE OPERATOR public.%s (RIGHTARG = %s, FUNCTION = public.pgd_trap_op_%s)', f.oprname, f.r, f.oid);
      ELSE
        EXECUTE format('CREATE FUNCTION public.pgd_trap_op_%s(%s, %s) RETURNS %s LANGUAGE plpgsql AS %L', f.oid, f.l, f.r, f.res, trap);
        EXECUTE format('CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.pgd_trap_op_%s)', f.oprname, f.l, f.r, f.oid);
      END IF;
    EXCEPTION WHEN others THEN NULL;
    END;
  END LOOP;
  CREATE FUNCTION public.pgd_trap_sfunc(s bigint) RETURNS bigint LANGUAGE plpgsql AS
    $t$BEGIN RAISE EXCEPTION 'pg_durable trap: public aggregate'; END$t$;
  CREATE FUNCTION public.pgd_trap_sfunc2(s text, a text, b text) RETURNS text LANGUAGE plpgsql AS
    $t$BEGIN RAISE EXCEPTION 'pg_durable trap: public aggregate'; END$t$;
  CREATE FUNCTION public.pgd_trap_sfunc3(s anyarray, a anyelement) RETURNS anyarray LANGUAGE plpgsql AS
    $t$BEGIN RAISE EXCEPTION 'pg_durable trap: public aggregate'; END$t$;
  CREATE FUNCTION public.pgd_trap_sfunc4(s timestamptz, a timestamptz) RETURNS timestamptz LANGUAGE plpgsql AS
    $t$BEGIN RAISE EXCEPTION 'pg_durable trap: public aggregate'; END$t$;
  CREATE AGGREGATE public.count(*) (SFUNC = public.pgd_trap_sfunc, STYPE = bigint);
  CREATE AGGREGATE public.string_agg(text, text) (SFUNC = public.pgd_trap_sfunc2, STYPE = text);
  CREATE AGGREGATE public.array_agg(anyelement) (SFUNC = public.pgd_trap_sfunc3, STYPE = anyarray);
  CREATE AGGREGATE public.min(timestamptz) (SFUNC = public.pgd_trap_sfunc4, STYPE = timestamptz);
  CREATE AGGREGATE public.max(timestamptz) (SFUNC = public.pgd_trap_sfunc4, STYPE = timestamptz);
  -- Last: with these, the type names above would be taken for them.
  FOR f IN
    SELECT t.typname FROM pg_catalog.pg_type t
    WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype = 'b' AND t.typname !~ '^_'
  LOOP
    EXECUTE format('CREATE TYPE public.%I AS (pgd_trap integer)', f.typname);
  END LOOP;
END
$plant$`;

/** Plants every trap, as the session's role (an attacker needs no more than CREATE on public). */
export async function plantPublicTraps(c: pg.Client): Promise<void> {
  await c.query(PLANT_TRAPS);
}

/** Puts `public` before pg_catalog for the roles' new sessions and for this superuser session. */
export async function putPublicFirst(su: pg.Client, roles: readonly string[]): Promise<void> {
  for (const r of roles) await su.query(`ALTER ROLE ${ident(r)} SET search_path = public, pg_catalog`);
  await su.query(`SET search_path = public, pg_catalog`);
}
