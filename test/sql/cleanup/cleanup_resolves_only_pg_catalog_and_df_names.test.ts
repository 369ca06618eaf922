// The cleanup ignores search_path like the rest of the engine (a procedure that commits cannot
// pin it, so df.run_cleanup qualifies every name, types included). The attacker fills the
// world-writable `public` with a trap for every pg_catalog function and operator, the usual
// aggregates and composite types named like the built-in ones (support/public-traps.ts); a
// victim and the superuser put `public` before pg_catalog. Every cleanup call, the scheduling
// calls and both jobs' commands still work, and reach no trap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tenants, type Tenants } from '../../support/tenants.js';
import { runWorkflow } from '../../support/workflow.js';
import { plantPublicTraps, putPublicFirst } from '../../support/public-traps.js';
import { createStandInCron } from '../../support/pg-cron.js';
import { age, orphanRows, remaining } from './rows.js';

let t: Tenants;
let check: pg.Client; // a superuser session with the usual search_path, for the test's own queries

beforeAll(async () => {
  t = await tenants('cleanup_paths');
  check = new pg.Client({ connectionString: t.scratch.url });
  await check.connect();
  // pg_cron in the victims' database: the scheduling calls take their local path, and the
  // run-details command has a cron.job_run_details to work on.
  await createStandInCron(check);
  await plantPublicTraps(await t.attacker.client());
  const [v] = t.victims;
  await putPublicFirst(t.monitor, [v.role]);
  await v.startWorkers(1);
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
