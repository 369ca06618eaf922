// The in-server statement runner: in the database where pg_cron is installed, a role with
// USAGE on schema cron needs no CLI runner. Its own workers hand a statement that no runner
// took within 10 s to pg_cron as a job of the role, scheduled for the next minute only; pg_cron
// runs it at top level in a session of its own, as the role; the workers read the outcome from
// cron.job_run_details, complete the node and remove the job. A CLI statement runner, where one
// runs, takes the work first. Latency: up to about 75 s (10 s, then the next cron minute).
//
// In a cluster of its own, whose pg_cron database (postgres) this file may use. Traps for every
// pg_catalog function and operator are planted in public, which comes first on the role's path
// (support/public-traps.ts): what the runner runs reaches none, so the test's own queries are
// qualified too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ident } from '../../support/roles.js';
import { urlFor, usesPrivateCluster, withClient } from '../../support/server.js';
import { startWorkflow, type AsRole } from '../../support/workflow.js';
import { WorkerPool } from '../../../src/cli/worker-pool.js';
import { waitFor } from '../../support/slow-step.js';
import { ownServer, type OwnServer } from './own-server.js';
import { plantPublicTraps, putPublicFirst } from '../../support/public-traps.js';
import { STATEMENT_RESULT, dispatchDetails, dispatchOf, finishWorkflow, runToEnd, statementPool, vacuumCount, waitForVacuums } from './maintenance.js';

const role = `pgd_cron_runner_${process.pid}`;
let server: OwnServer;
let user: pg.Client;
let workers: WorkerPool;
const me: AsRole = { value: async (sql, params = []) => (await user.query({ text: sql, values: params, rowMode: 'array' })).rows[0]?.[0] };

describe.skipIf(!usesPrivateCluster())('statements run by pg_cron', () => {
  beforeAll(async () => {
    server = await ownServer('maint-cron', Number(process.env.PG_DURABLE_CRON_RUNNER_PORT ?? 54352));
    await withClient(server.url, async (c) => {
      await c.query(`SET client_min_messages = warning`);
      // The cluster outlives test runs: what an interrupted run left goes first.
      const { rows } = await c.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE 'pgd\\_cron\\_runner\\_%'`);
      for (const { rolname } of rows as { rolname: string }[]) {
        await c.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE username = $1`, [rolname]);
        await c.query(`DROP OWNED BY ${ident(rolname)}`);
        await c.query(`DROP ROLE ${ident(rolname)}`);
      }
      await c.query(`DROP EXTENSION IF EXISTS pg_durable CASCADE`);
      await c.query(`CREATE EXTENSION pg_durable CASCADE`);
      await c.query(`DROP ROLE IF EXISTS ${ident(role)}`);
      await c.query(`CREATE ROLE ${ident(role)} LOGIN`);
      await c.query(`SELECT df.grant_usage($1)`, [role]);
      await c.query(`GRANT USAGE ON SCHEMA cron TO ${ident(role)}`);
      await c.query(`GRANT CREATE ON SCHEMA public TO ${ident(role)}`);
      await c.query(`ALTER DATABASE postgres SET pg_durable.loop_min_interval = '0'`);
    });
    user = new pg.Client({ connectionString: urlFor('postgres', role, server.url) });
    await user.connect();
    await user.query(`CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 1000); DELETE FROM t WHERE id > 500`);
    await plantPublicTraps(user);
    await withClient(server.url, (c) => putPublicFirst(c, [role]));
    await user.end();
    user = new pg.Client({ connectionString: urlFor('postgres', role, server.url) });
    await user.connect();
    await expect(user.query('SELECT 1 + 1')).rejects.toThrow('pg_durable trap');
    workers = new WorkerPool({ url: urlFor('postgres', role, server.url), workers: 1, callSeconds: 5, idlePollMs: 5 });
    await workers.start();
  }, 240_000);
  afterAll(async () => {
    await workers?.stop();
    await user?.end();
    if (server) {
      await withClient(server.url, async (c) => {
        await c.query(`SELECT cron.unschedule(jobid) FROM cron.job WHERE username = $1`, [role]);
        await c.query(`DELETE FROM cron.job_run_details WHERE username = $1`, [role]);
        await c.query(`SELECT df.revoke_usage($1)`, [role]);
        await c.query(`REVOKE ALL ON SCHEMA cron FROM ${ident(role)}`);
        await c.query(`DROP OWNED BY ${ident(role)}`);
        await c.query(`DROP ROLE ${ident(role)}`);
      }).catch(() => undefined);
      server.stop();
    }
  });

  const jobs = () =>
    me.value<number>(`SELECT pg_catalog.count(*)::pg_catalog.int4 FROM cron.job WHERE pg_catalog.starts_with(jobname, 'pg_durable statement ')`);

  it('where a CLI statement runner runs, it takes the statement first', async () => {
    const cli = await statementPool(urlFor('postgres', role, server.url));
    try {
      const done = await runToEnd(me, `'VACUUM t'`);
      expect(done.status).toBe('completed');
      expect((await dispatchDetails(me, done.id))?.runner).toMatch(/ statements$/);
      expect(await jobs()).toBe(0);
    } finally {
      await cli.stop();
    }
  });

  it('without one, pg_cron runs it within about a minute, as the role, and the job is removed; a failure fails the node with PostgreSQL’s message; a statement cancelled before its minute never runs', { timeout: 200_000 }, async () => {
    const before = await vacuumCount(me, 't');
    const startedAt = Date.now();
    const ok = await startWorkflow(me, `'VACUUM (ANALYZE) t' ~> 'SELECT pg_catalog.count(*) AS n FROM t'`);
    const bad = await startWorkflow(me, `'CREATE INDEX CONCURRENTLY t_id ON no_such_table (id)'`);
    const cancelled = await startWorkflow(me, `'CREATE INDEX CONCURRENTLY never_built ON t (id)'`);
    // Handed to pg_cron once no other runner took them for 10 s.
    const runner = async (id: string) => (await dispatchOf(me, id))?.runner ?? '';
    await waitFor('pg_cron to be given the statements', async () => (await runner(cancelled)).startsWith('pg_cron at '), 30_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(10_000);
    expect(await jobs()).toBe(3);
    await me.value(`SELECT df.cancel($1::pg_catalog.text)`, [cancelled]);
    await waitFor('its job to be removed', async () => (await jobs()) === 2, 10_000);

    const done = await finishWorkflow(me, ok, 120);
    const latency = Date.now() - startedAt;
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ rows: [{ n: 500 }], row_count: 1 });
    await waitForVacuums(me, 't', before + 1);
    const failed = await finishWorkflow(me, bad, 30);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('relation "no_such_table" does not exist');
    await waitFor('the jobs to be removed', async () => (await jobs()) === 0, 10_000);
    // pg_cron ran it as the role; the cancelled one never ran.
    const runs = await me.value<{ command: string; status: string; username: string }[]>(
      `SELECT pg_catalog.json_agg(pg_catalog.json_build_object('command', command, 'status', status, 'username', username) ORDER BY command COLLATE "C")
       FROM cron.job_run_details`,
    );
    expect(runs).toEqual([
      { command: 'CREATE INDEX CONCURRENTLY t_id ON no_such_table (id)', status: 'failed', username: role },
      { command: 'VACUUM (ANALYZE) t', status: 'succeeded', username: role },
    ]);
    expect(await me.value(`SELECT pg_catalog.to_regclass('never_built')`)).toBeNull();
    const statementNode = await me.value<string>(
      `SELECT result::pg_catalog.text FROM df.instance_nodes($1) WHERE pg_catalog.starts_with(query, 'VACUUM')`,
      [ok],
    );
    expect(JSON.parse(statementNode)).toEqual(STATEMENT_RESULT);
    console.log(`pg_cron runner: df.start to completion in ${latency} ms`);
  });
});
