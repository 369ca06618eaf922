// The cleanup ignores search_path like the rest of the engine (a procedure that commits cannot
// pin it, so df.run_cleanup qualifies every name, types included). The attacker fills the
// world-writable `public` with a trap for every pg_catalog function and operator, the usual
// aggregates and composite types named like the built-in ones; a victim and the superuser put
// `public` before pg_catalog. Every cleanup call, the scheduling calls and both jobs' commands
// still work, and reach no trap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tenants, type Tenants } from '../../support/tenants.js';
import { runWorkflow } from '../../support/workflow.js';
import { ident } from '../../support/roles.js';
import { age, orphanRows, remaining } from './rows.js';

const PLANT_TRAPS = `
DO $plant$
DECLARE
  f record;
  trap text;
BEGIN
  FOR f IN
    SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args, pg_catalog.pg_get_function_result(p.oid) AS ret
    FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f'
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
  CREATE AGGREGATE public.count(*) (SFUNC = public.pgd_trap_sfunc, STYPE = bigint);
  CREATE AGGREGATE public.array_agg(anyelement) (SFUNC = public.pgd_trap_sfunc3, STYPE = anyarray);
  FOR f IN
    SELECT t.typname FROM pg_catalog.pg_type t
    WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype = 'b' AND t.typname !~ '^_'
  LOOP
    EXECUTE format('CREATE TYPE public.%I AS (pgd_trap integer)', f.typname);
  END LOOP;
END
$plant$`;

// pg_cron 1.4's tables and functions, in the victims' database: the scheduling calls take
// their local path, and the run-details command has a cron.job_run_details to work on.
const STAND_IN_CRON = `
  CREATE SCHEMA cron;
  CREATE TABLE cron.job (
    jobid bigserial PRIMARY KEY, schedule text NOT NULL, command text NOT NULL,
    nodename text NOT NULL DEFAULT 'localhost', nodeport integer NOT NULL DEFAULT 5432,
    database text NOT NULL DEFAULT current_database(), username text NOT NULL DEFAULT current_user,
    active boolean NOT NULL DEFAULT true, jobname name);
  CREATE UNIQUE INDEX jobname_username_uniq ON cron.job (jobname, username);
  CREATE TABLE cron.job_run_details (jobid bigint, runid bigserial PRIMARY KEY, job_pid integer, database text, username text,
    command text, status text, return_message text, start_time timestamptz, end_time timestamptz);
  CREATE FUNCTION cron.schedule_in_database(job_name text, schedule text, command text, database text,
                                            username text DEFAULT NULL, active boolean DEFAULT true)
  RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO cron.job (jobname, schedule, command, database, username, active)
    VALUES (job_name, schedule, command, database, coalesce(username, current_user), active)
    ON CONFLICT (jobname, username) DO UPDATE SET schedule = excluded.schedule, command = excluded.command
    RETURNING jobid $$;
  CREATE FUNCTION cron.unschedule(job_id bigint) RETURNS boolean LANGUAGE sql AS $$
    WITH d AS (DELETE FROM cron.job WHERE jobid = job_id RETURNING 1) SELECT count(*) = 1 FROM d $$;`;

let t: Tenants;
let check: pg.Client; // a superuser session with the usual search_path, for the test's own queries

beforeAll(async () => {
  t = await tenants('cleanup_paths');
  check = new pg.Client({ connectionString: t.scratch.url });
  await check.connect();
  await check.query(STAND_IN_CRON);
  await (await t.attacker.client()).query(PLANT_TRAPS);
  const [v] = t.victims;
  await t.monitor.query(`ALTER ROLE ${ident(v.role)} SET search_path = public, pg_catalog`);
  await v.startWorkers(1);
  await t.monitor.query(`SET search_path = public, pg_catalog`);
}, 180_000);
afterAll(async () => {
  await check?.end();
  await t?.close();
});

describe('planted objects in public', () => {
  it('are there for the victim and the superuser', async () => {
    await expect((await t.victims[0].client()).query(`SELECT 1 + 1`)).rejects.toThrow('pg_durable trap');
    await expect(t.monitor.query(`SELECT count(*) FROM pg_catalog.pg_class`)).rejects.toThrow('pg_durable trap');
  });

  it('never reach df.cleanup or df.run_cleanup, the victim’s or the superuser’s', async () => {
    const [v] = t.victims;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = await runWorkflow(v, `'SELECT ${i} AS i'`);
      expect(d.status, d.error ?? '').toBe('completed');
      ids.push(d.id);
    }
    await age(check, ids, '1 year');
    expect(await v.value(`SELECT df.cleanup('400 days')`)).toBe('0');
    expect(await v.value(`SELECT df.cleanup(NULL)`)).toBe('4');
    expect(await remaining(check, ids)).toEqual([]);

    for (const who of ['victim', 'superuser'] as const) {
      const more: string[] = [];
      for (let i = 0; i < 2; i++) more.push((await runWorkflow(v, `'SELECT ${i} AS i'`)).id);
      await age(check, more, '1 year');
      const c = who === 'victim' ? await v.client() : t.monitor;
      const { rows } = await c.query(`CALL df.run_cleanup()`);
      expect(rows[0].removed, who).toBe('2');
      expect(await remaining(check, more)).toEqual([]);
    }
    const last = (await runWorkflow(v, `'SELECT 1'`)).id;
    expect((await t.monitor.query(`SELECT df.cleanup('0 seconds') AS n`)).rows[0].n).toBe('1');
    expect(await remaining(check, [last])).toEqual([]);
    expect(await orphanRows(check)).toBe(0);
  });

  it('never reach the scheduling calls or the jobs’ commands', async () => {
    const m = t.monitor;
    expect((await m.query(`SELECT df.schedule_cleanup() AS id`)).rows).toHaveLength(2);
    const { rows: jobs } = await check.query(`SELECT jobid, jobname, command FROM cron.job ORDER BY jobname`);
    expect(jobs.map((j) => j.jobname)).toEqual([`pg_durable ${t.scratch.name} cleanup`, `pg_durable ${t.scratch.name} run details`]);
    await check.query(
      `INSERT INTO cron.job_run_details (jobid, status, start_time, end_time)
       SELECT j, 'succeeded', now() - a, now() - a FROM unnest($1::bigint[]) j, unnest('{40 days,1 day}'::interval[]) a`,
      [jobs.map((j) => j.jobid)],
    );
    for (const j of jobs) await m.query(j.command);
    const { rows } = await check.query(`SELECT count(*)::int AS n FROM cron.job_run_details`);
    expect(rows[0].n).toBe(2);
    expect((await m.query(`SELECT df.unschedule_cleanup() AS n`)).rows[0].n).toBe(2);
    const { rows: left } = await check.query(`SELECT count(*)::int AS n FROM cron.job`);
    expect(left[0].n).toBe(0);
  });
});
