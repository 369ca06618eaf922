// df.health resolves only pg_catalog and df objects. The attacker fills the world-writable
// `public` with a trap for every pg_catalog function and operator, a few aggregates and
// composite types named like the built-in ones (as the name-resolution security test does);
// the victims, the superuser monitor and a delegated administrator put `public` first on their
// search_path. Every path through df.health (own lines, every role's through RLS bypass, and
// the administrators' SECURITY DEFINER view) must work as if the traps were not there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenants } from '../../support/tenants.js';
import { createLoginRoles, dropRoles, ident } from '../../support/roles.js';
import { urlFor, withClient } from '../../support/server.js';
import { CHECKS, healthOf } from './health.js';

let t: Tenants;
const admin = `pgd_health_padmin_${process.pid}`;

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
    EXCEPTION WHEN others THEN NULL;
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
  CREATE FUNCTION public.pgd_trap_sfunc3(s anyarray, a anyelement) RETURNS anyarray LANGUAGE plpgsql AS
    $t$BEGIN RAISE EXCEPTION 'pg_durable trap: public aggregate'; END$t$;
  CREATE FUNCTION public.pgd_trap_sfunc4(s timestamptz, a timestamptz) RETURNS timestamptz LANGUAGE plpgsql AS
    $t$BEGIN RAISE EXCEPTION 'pg_durable trap: public aggregate'; END$t$;
  CREATE AGGREGATE public.count(*) (SFUNC = public.pgd_trap_sfunc, STYPE = bigint);
  CREATE AGGREGATE public.array_agg(anyelement) (SFUNC = public.pgd_trap_sfunc3, STYPE = anyarray);
  CREATE AGGREGATE public.min(timestamptz) (SFUNC = public.pgd_trap_sfunc4, STYPE = timestamptz);
  CREATE AGGREGATE public.max(timestamptz) (SFUNC = public.pgd_trap_sfunc4, STYPE = timestamptz);
  FOR f IN
    SELECT t.typname FROM pg_catalog.pg_type t
    WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype = 'b' AND t.typname !~ '^_'
  LOOP
    EXECUTE format('CREATE TYPE public.%I AS (pgd_trap integer)', f.typname);
  END LOOP;
END
$plant$`;

beforeAll(async () => {
  t = await tenants('health_paths');
  await createLoginRoles([admin]);
  await t.monitor.query(`SELECT df.grant_usage($1, with_grant => true)`, [admin]);
  const [a, b] = t.victims;
  await a.value(`SELECT df.start('SELECT 1')`);
  await (await a.client()).query(`CALL df.work(1, 5)`);
  await b.value(`SELECT df.start('SELECT 1/0')`);
  await (await t.attacker.client()).query(PLANT_TRAPS);
  for (const role of [a.role, b.role, admin]) {
    await t.monitor.query(`ALTER ROLE ${ident(role)} SET search_path = public, pg_catalog`);
  }
  await t.monitor.query(`SET search_path = public, pg_catalog`);
}, 180_000);
afterAll(async () => {
  await t?.close();
  await dropRoles([admin]);
});

describe('planted objects in public', () => {
  it('are there: an unqualified name in a public-first session reaches a trap', async () => {
    await expect(t.monitor.query(`SELECT pg_catalog.length(lower('X'))`)).rejects.toThrow('pg_durable trap: public.lower');
    await expect(t.monitor.query(`SELECT 1 + 1`)).rejects.toThrow('pg_durable trap');
  });

  it('never reach df.health, whoever calls it', async () => {
    const [a, b] = t.victims;
    // The victims' sessions are opened now, with the role's public-first search_path.
    for (const v of [a, b]) {
      const lines = await withClient(v.url, healthOf);
      expect(lines.map((l) => [l.role, l.check_name])).toEqual(CHECKS.map((c) => [v.role, c]));
    }
    const everyRole = await healthOf(t.monitor);
    expect([...new Set(everyRole.map((l) => l.role))]).toEqual([a.role, b.role].sort());
    expect(everyRole.find((l) => l.role === b.role && l.check_name === 'workers')?.level).toBe('critical');
    expect(await withClient(urlFor(t.scratch.name, admin), healthOf)).toEqual(everyRole);
  });
});
