// The scheduled cleanup: df.schedule_cleanup (superusers) makes two pg_cron jobs, run as the
// extension owner: 'pg_durable <db> cleanup' (CALL df.run_cleanup() in the database) and
// 'pg_durable <db> run details' (in pg_cron's database: removes the cron.job_run_details rows,
// older than the retention period, of the jobs pg_durable named for that database). Outside
// pg_cron's database the error's HINT holds the exact statements to run there.
//
// Against the real pg_cron (the private cluster's, in database postgres) through the HINT's
// statements: the jobs' rows, what their commands do when called, and both running in pg_cron.
// Inside a database "with pg_cron", through a stand-in cron schema (pg_cron 1.4's interface),
// so the test installs nothing into pg_cron's own database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { serverUrl, urlFor, usesPrivateCluster, withClient } from '../../support/server.js';
import { ident } from '../../support/roles.js';
import { runWorkflow } from '../../support/workflow.js';
import { createStandInCron, hintStatements, inCronDatabase } from '../../support/pg-cron.js';
import { age, remaining } from './rows.js';

let fx: EngineFixture;
let su: pg.Client;
let db: string;
const cleanupJob = () => `pg_durable ${db} cleanup`;
const detailsJob = () => `pg_durable ${db} run details`;

beforeAll(async () => {
  fx = await engineFixture('cleanup_cron');
  su = await fx.scratch.admin();
  db = fx.scratch.name;
  await fx.startWorkers(1);
});
afterAll(async () => {
  if (usesPrivateCluster()) {
    await withClient(serverUrl(), async (c) => {
      await c.query(`DELETE FROM cron.job_run_details WHERE jobid IN (SELECT jobid FROM cron.job WHERE database = $1 OR jobname LIKE $2)`, [
        db,
        `%${db}%`,
      ]);
      await c.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE database = $1 OR jobname LIKE $2`, [db, `%${db}%`]);
    }).catch(() => undefined);
  }
  await fx?.close();
});

/** The error a statement raises (it must raise one). */
async function errorOf(c: pg.Client, sql: string): Promise<{ code: string; message: string; hint: string }> {
  const err = await c.query(sql).then(
    () => undefined,
    (e) => e,
  );
  expect(err, sql).toBeDefined();
  return err;
}

const cronJobs = () =>
  withClient(serverUrl(), async (c) => {
    const { rows } = await c.query(
      `SELECT jobid, jobname, schedule, command, database, username, active FROM cron.job WHERE jobname IN ($1, $2) ORDER BY jobname`,
      [cleanupJob(), detailsJob()],
    );
    return rows as { jobid: string; jobname: string; schedule: string; command: string; database: string; username: string; active: boolean }[];
  });

describe.skipIf(!usesPrivateCluster())('with the real pg_cron, through the statements the HINTs give', () => {
  it('outside pg_cron’s database, says exactly what to run there, and that makes both jobs', async () => {
    const err = await errorOf(su, `SELECT df.schedule_cleanup()`);
    expect(err.code).toBe('55000');
    expect(err.message).toBe(`pg_cron is not installed in database ${db}`);
    expect(err.hint.split('\n')[0]).toBe('In database postgres (cron.database_name), run as a superuser:');
    const sqls = hintStatements(err.hint);
    expect(sqls).toHaveLength(3);
    expect(sqls[0]).toBe(
      `SELECT cron.unschedule(jobid) FROM cron.job WHERE (jobname OPERATOR(pg_catalog.=) '${cleanupJob()}' AND database OPERATOR(pg_catalog.=) '${db}'` +
        ` OR jobname OPERATOR(pg_catalog.=) '${detailsJob()}' AND database OPERATOR(pg_catalog.=) pg_catalog.current_database());`,
    );
    expect(sqls[1]).toBe(`SELECT cron.schedule_in_database('${cleanupJob()}', '17 * * * *', 'CALL df.run_cleanup()', '${db}', 'postgres');`);
    expect(sqls[2]).toMatch(new RegExp(`^SELECT cron\\.schedule_in_database\\('${detailsJob()}', '17 \\* \\* \\* \\*', 'DO \\$pg_durable\\$ .*', pg_catalog\\.current_database\\(\\), 'postgres'\\);$`));
    await inCronDatabase(sqls);

    const jobs = await cronJobs();
    const details = (await su.query(`SELECT df._cleanup_run_details_command($1, '30 days') AS c`, [db])).rows[0].c as string;
    expect(jobs.map(({ jobid: _, ...j }) => j)).toEqual([
      { jobname: cleanupJob(), schedule: '17 * * * *', command: 'CALL df.run_cleanup()', database: db, username: 'postgres', active: true },
      { jobname: detailsJob(), schedule: '17 * * * *', command: details, database: 'postgres', username: 'postgres', active: true },
    ]);
    expect(details).toBe(
      `DO $pg_durable$ BEGIN LOOP DELETE FROM cron.job_run_details d WHERE d.runid OPERATOR(pg_catalog.=) ANY (ARRAY(` +
        `SELECT r.runid FROM cron.job_run_details r JOIN cron.job j ON j.jobid OPERATOR(pg_catalog.=) r.jobid ` +
        `WHERE pg_catalog.starts_with(j.jobname, 'pg_durable ') AND (j.database OPERATOR(pg_catalog.=) '${db}' ` +
        `OR j.jobname OPERATOR(pg_catalog.=) '${detailsJob()}' AND j.database OPERATOR(pg_catalog.=) pg_catalog.current_database()) ` +
        `AND coalesce(r.end_time, r.start_time) OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) '30 days'::pg_catalog.interval) ` +
        `LIMIT 10000)); EXIT WHEN NOT FOUND; COMMIT; END LOOP; END $pg_durable$`,
    );

    // Scheduling again replaces them: still two jobs, with the new schedule.
    await inCronDatabase(hintStatements((await errorOf(su, `SELECT df.schedule_cleanup('5 * * * *')`)).hint));
    expect((await cronJobs()).map((j) => j.schedule)).toEqual(['5 * * * *', '5 * * * *']);

    const un = await errorOf(su, `SELECT df.unschedule_cleanup()`);
    expect(un.code).toBe('55000');
    expect(hintStatements(un.hint)).toEqual([sqls[0]]);
    await inCronDatabase(hintStatements(un.hint));
    expect(await cronJobs()).toEqual([]);
  });

  it('the cleanup job’s command, run as the job runs it, removes every role’s old instances', async () => {
    const old = (await runWorkflow(fx, `'SELECT 1'`)).id;
    const young = (await runWorkflow(fx, `'SELECT 2'`)).id;
    await age(su, [old], '31 days');
    await su.query(`CALL df.run_cleanup()`);
    expect(await remaining(su, [old, young])).toEqual([young]);
  });

  it('the run-details job removes old run details of this database’s pg_durable jobs, and nothing else', async () => {
    // A schedule that does not come round during the test: only the test calls the command.
    await inCronDatabase(hintStatements((await errorOf(su, `SELECT df.schedule_cleanup('0 0 1 1 *')`)).hint));
    const [cleanup, details] = await cronJobs();
    await withClient(serverUrl(), async (c) => {
      // Inactive jobs that never run: a worker job of this database, a job of this database
      // that pg_durable did not name, and a pg_durable worker job of another database.
      const job = async (name: string, database: string) =>
        (await c.query(`SELECT cron.schedule_in_database($1, '0 0 1 1 *', 'SELECT 1', $2, 'postgres', false) AS id`, [name, database])).rows[0]
          .id as string;
      const worker = await job(`pg_durable ${db} worker 1`, db);
      const other = await job(`nightly ${db}`, db);
      const elsewhere = await job(`pg_durable ${db}_other worker 1`, 'postgres');
      const all = [cleanup.jobid, details.jobid, worker, other, elsewhere];
      await c.query(
        `INSERT INTO cron.job_run_details (jobid, database, username, command, status, start_time, end_time)
         SELECT j, 'x', 'postgres', 'x', 'succeeded', now() - a - interval '1 second', CASE WHEN e THEN now() - a END
         FROM unnest($1::bigint[]) j, (VALUES (interval '40 days', true), (interval '40 days', false), (interval '1 day', true)) v (a, e)`,
        [all],
      );
      const count = async () => {
        const { rows } = await c.query(
          `SELECT jobid::text AS j, count(*)::int AS n FROM cron.job_run_details WHERE jobid = ANY ($1) GROUP BY jobid`,
          [all],
        );
        return Object.fromEntries(rows.map((r) => [r.j, r.n]));
      };
      expect(Object.values(await count())).toEqual([3, 3, 3, 3, 3]);
      await c.query(details.command); // as pg_cron runs it: at top level, as the job's user
      expect(await count()).toEqual({ [cleanup.jobid]: 1, [details.jobid]: 1, [worker]: 1, [other]: 3, [elsewhere]: 3 });
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM cron.job_run_details WHERE jobid = ANY ($1) AND end_time < now() - interval '30 days'`,
        [[cleanup.jobid, details.jobid, worker]],
      );
      expect(rows[0].n).toBe(0);
      await c.query(`SELECT cron.unschedule(j) FROM unnest($1::bigint[]) j`, [[worker, other, elsewhere]]);
    });
  });

  it('both jobs run in pg_cron, as scheduled', { timeout: 180_000 }, async () => {
    const old = (await runWorkflow(fx, `'SELECT 3'`)).id;
    await age(su, [old], '31 days');
    await inCronDatabase(hintStatements((await errorOf(su, `SELECT df.schedule_cleanup('* * * * *')`)).hint));
    const jobs = await cronJobs();
    const since = new Date();
    const ran = async () =>
      withClient(serverUrl(), async (c) => {
        const { rows } = await c.query(
          `SELECT jobid::text AS j, status, return_message FROM cron.job_run_details
           WHERE jobid = ANY ($1) AND start_time >= $2 AND status IN ('succeeded', 'failed')`,
          [jobs.map((j) => j.jobid), since],
        );
        return rows as { j: string; status: string; return_message: string }[];
      });
    const deadline = Date.now() + 150_000;
    let runs = await ran();
    while (new Set(runs.map((r) => r.j)).size < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      runs = await ran();
    }
    expect(runs.filter((r) => r.status !== 'succeeded')).toEqual([]);
    expect(new Set(runs.map((r) => r.j))).toEqual(new Set(jobs.map((j) => j.jobid)));
    expect(await remaining(su, [old])).toEqual([]);
    await inCronDatabase(hintStatements((await errorOf(su, `SELECT df.unschedule_cleanup()`)).hint));
    expect(await cronJobs()).toEqual([]);
  });
});

describe('in a database with pg_cron (a stand-in with pg_cron 1.4’s interface)', () => {
  beforeAll(async () => {
    await createStandInCron(su);
  });
  afterAll(async () => {
    await su.query(`DROP SCHEMA IF EXISTS cron CASCADE`);
  });

  const jobs = async () =>
    (await su.query(`SELECT jobname, schedule, command, database, username FROM cron.job ORDER BY jobname`)).rows as {
      jobname: string;
      schedule: string;
      command: string;
      database: string;
      username: string;
    }[];

  it('schedules both jobs here, replaces them when called again, and unschedules exactly them', async () => {
    await su.query(`SELECT cron.schedule_in_database($1, '* * * * *', 'CALL df.work(58, 10)', current_database(), $2)`, [
      `pg_durable ${db} worker 1`,
      fx.role,
    ]);
    await su.query(`SELECT cron.schedule_in_database('pg_durable other cleanup', '17 * * * *', 'CALL df.run_cleanup()', 'other', 'postgres')`);
    const notices: string[] = [];
    const onNotice = (n: { message?: string }) => notices.push(n.message ?? '');
    su.on('notice', onNotice);
    await su.query(`SET client_min_messages = notice`);
    try {
      const ids = (await su.query(`SELECT df.schedule_cleanup() AS id`)).rows.map((r) => r.id);
      expect(ids).toHaveLength(2);
      expect((await su.query(`SELECT df.schedule_cleanup('3 * * * *') AS id`)).rows).toHaveLength(2);
      expect(await su.query(`SELECT df.unschedule_cleanup() AS n`).then((r) => r.rows[0].n)).toBe(2);
    } finally {
      await su.query(`SET client_min_messages = warning`);
      su.off('notice', onNotice);
    }
    expect(notices).toEqual([
      `pg_durable: cleanup scheduled (17 * * * *) for database ${db}, run as role postgres`,
      `pg_durable: cleanup scheduled (3 * * * *) for database ${db}, run as role postgres`,
      `pg_durable: 2 cleanup job(s) of database ${db} removed`,
    ]);
    expect((await jobs()).map((j) => j.jobname)).toEqual(['pg_durable other cleanup', `pg_durable ${db} worker 1`]);
  });

  it('gives the jobs of every database distinct names that pg_cron stores whole', async () => {
    const long = 'd'.repeat(60);
    const { rows } = await su.query(
      `SELECT db, j, df._cron_job_name(db, j) AS name FROM unnest($1::text[]) db, unnest(ARRAY['cleanup', 'run details']) j`,
      [[long + 'aaa', long + 'aab', 'é'.repeat(31), db]],
    );
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const r of rows) expect(Buffer.byteLength(r.name)).toBeLessThanOrEqual(63);
  });

  it('refuses a schedule that is no schedule, and a cron schema that is not pg_cron’s', async () => {
    for (const bad of ['NULL', `''`]) {
      const err = await errorOf(su, `SELECT df.schedule_cleanup(${bad})`);
      expect(err.code).toBe('22023');
      expect(err.hint).toContain(`SELECT df.schedule_cleanup('17 * * * *');`);
    }
    const owner = fx.role;
    await su.query(`ALTER SCHEMA cron OWNER TO ${ident(owner)}`);
    try {
      for (const sql of [`SELECT df.schedule_cleanup()`, `SELECT df.unschedule_cleanup()`]) {
        const err = await errorOf(su, sql);
        expect(err.code).toBe('42501');
        expect(err.message).toBe(`schema cron in database ${db} is not pg_cron's: it or the objects pg_durable would call do not belong to a superuser`);
      }
    } finally {
      await su.query(`ALTER SCHEMA cron OWNER TO postgres`);
    }
    expect(await jobs()).toHaveLength(2);
  });
});

// A role with usage cannot schedule or unschedule the cleanup.
describe('privileges', () => {
  it('scheduling is for superusers', async () => {
    const c = new pg.Client({ connectionString: urlFor(db, fx.role) });
    await c.connect();
    try {
      for (const sql of [`SELECT df.schedule_cleanup()`, `SELECT df.unschedule_cleanup()`]) {
        await expect(c.query(sql)).rejects.toThrow(/^permission denied for function/);
      }
    } finally {
      await c.end();
    }
  });
});
