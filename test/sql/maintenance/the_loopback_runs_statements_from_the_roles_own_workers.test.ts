// The in-server statement runner over the loopback: where an administrator configured
// pg_durable_loopback for a role (as for df.start(…, transaction_mode => 'new')), the role's own
// workers run a statement that no CLI runner took within 10 s in a loopback session of the
// role, outside any transaction block, and go on with other steps while it runs; a renewal
// that finds the instance cancelled stops the statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { usesPrivateCluster } from '../../support/server.js';
import { startWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';
import { configureLoopback, ownServer, type OwnServer } from './own-server.js';
import { dispatchDetails, finishWorkflow, runToEnd, vacuumCount, waitForVacuums } from './maintenance.js';

let server: OwnServer;
let fx: EngineFixture;

describe.skipIf(!usesPrivateCluster())('statements run through the loopback', () => {
  beforeAll(async () => {
    server = await ownServer('maint-loopback-runner', Number(process.env.PG_DURABLE_LOOPBACK_RUNNER_PORT ?? 54353));
    fx = await engineFixture('maint_loopback_runner', { server: server.url });
    await configureLoopback(await fx.scratch.admin(), server, fx.scratch.name, fx.role, 'runner secret');
  });
  afterAll(async () => {
    await fx?.close();
    server?.stop();
  });

  it('run from the role’s own workers when no CLI runner takes them within 10 s: VACUUM, CREATE INDEX CONCURRENTLY, a failure', { timeout: 120_000 }, async () => {
    await fx.user.query(`CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 1000); DELETE FROM t WHERE id > 10`);
    await fx.startWorkers(1); // no statement runner
    try {
      const before = await vacuumCount(fx, 't');
      const started = Date.now();
      const vacuum = await startWorkflow(fx, `'VACUUM t'`);
      const index = await startWorkflow(fx, `'CREATE INDEX CONCURRENTLY t_id ON t (id)' ~> 'SELECT indisvalid FROM pg_index WHERE indexrelid = ''t_id''::regclass'`);
      const failing = await startWorkflow(fx, `'CREATE INDEX CONCURRENTLY x_id ON no_such_table (id)'`);
      const done = await finishWorkflow(fx, vacuum, 60);
      console.log(`loopback runner: df.start to completion in ${Date.now() - started} ms`);
      expect(done.status).toBe('completed');
      expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
      expect((await dispatchDetails(fx, vacuum))?.runner).toMatch(/^pg_durable_loopback of worker \d+$/);
      await waitForVacuums(fx, 't', before + 1);
      expect((await finishWorkflow(fx, index, 60)).result).toEqual({ rows: [{ indisvalid: true }], row_count: 1 });
      const failed = await finishWorkflow(fx, failing, 60);
      expect(failed.status).toBe('failed');
      expect(failed.error).toBe('relation "no_such_table" does not exist');
      // The loopback sessions are closed once their statements end.
      await waitFor('the loopback sessions to end', async () =>
        (await fx.value(`SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'pg_durable statement (loopback)'`)) === 0,
      );
    } finally {
      await fx.stopWorkers();
    }
  });

  it('while a statement runs through the loopback, the worker runs other steps, and a cancel stops the statement', { timeout: 120_000 }, async () => {
    const blocker = new pg.Client({ connectionString: fx.url });
    await blocker.connect();
    await blocker.query(`BEGIN; LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE`);
    await fx.startWorkers(1);
    try {
      const before = await vacuumCount(fx, 't');
      const blocked = await startWorkflow(fx, `'VACUUM t'`);
      const waiting = () => fx.value<boolean>(`SELECT EXISTS (SELECT FROM pg_stat_activity WHERE query = 'VACUUM t' AND wait_event_type = 'Lock')`);
      await waitFor('the statement to run', waiting, 30_000);
      expect((await runToEnd(fx, `'SELECT 42 AS answer'`)).result).toEqual({ rows: [{ answer: 42 }], row_count: 1 });
      await fx.user.query(`SELECT df.cancel($1)`, [blocked]);
      await waitFor('the worker to cancel it', async () => !(await waiting()), 20_000);
      await blocker.query('COMMIT');
      await new Promise((r) => setTimeout(r, 500));
      expect(await vacuumCount(fx, 't')).toBe(before);
    } finally {
      await fx.stopWorkers();
      await blocker.end();
    }
  });

});
