// Statements are at-least-once (spec/outside-steps.md §1.3). A runner process killed while its
// statement runs holds its lease until the lease runs out (about 70 s): then another runner
// claims the work and runs the statement again, and the node completes once. The killed
// runner's backend does not notice that its client is gone while it waits, so its statement
// still runs too: a VACUUM that was blocked runs twice. A runner whose statement session is
// terminated gives the work back at once and runs it again on a new session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { startCli } from '../../cli/run-cli.js';
import { waitFor } from '../../support/slow-step.js';
import { startWorkflow } from '../../support/workflow.js';
import { dispatchDetails, dispatchOf, finishWorkflow, statementPool, vacuumCount, waitForVacuums } from './maintenance.js';

let fx: EngineFixture;
let blocker: pg.Client;

beforeAll(async () => {
  fx = await engineFixture('maint_killed');
  await fx.user.query(`CREATE TABLE locked (id int); INSERT INTO locked SELECT generate_series(1, 100)`);
  blocker = new pg.Client({ connectionString: fx.url });
  await blocker.connect();
});
afterAll(async () => {
  await blocker?.end();
  await fx?.close();
});

/** Holds a lock that VACUUM waits for, until release() commits. */
async function blockVacuum(): Promise<{ release(): Promise<void> }> {
  await blocker.query(`BEGIN; LOCK TABLE locked IN SHARE UPDATE EXCLUSIVE MODE`);
  return { release: async () => void (await blocker.query('COMMIT')) };
}

/** Backends of the role running `VACUUM locked`, waiting for the lock. */
const waitingVacuums = () =>
  fx.value<number[]>(
    `SELECT coalesce(array_agg(pid ORDER BY backend_start), '{}') FROM pg_stat_activity
     WHERE query = 'VACUUM locked' AND wait_event_type = 'Lock' AND datname = current_database()`,
  );

describe('a statement runner that stops in the middle of a statement', () => {
  it('killed (SIGKILL): after its lease runs out another runner runs the statement again, and the node completes once', { timeout: 180_000 }, async () => {
    const before = await vacuumCount(fx, 'locked');
    const lock = await blockVacuum();
    const worker = startCli(['worker', '--url', fx.url, '--workers', '1', '--http-concurrency', '0']);
    const id = await startWorkflow(fx, `'VACUUM locked'`);
    await waitFor('the runner to run the statement', async () => (await waitingVacuums()).length === 1);
    const leaseUntil = new Date(await fx.value<string>('SELECT lease_until::text FROM df.dispatches WHERE instance_id = $1', [id]));
    worker.child.kill('SIGKILL');
    await worker.done;

    const rescuer = await statementPool(fx.url);
    try {
      await waitFor('a second runner to run it again', async () => (await waitingVacuums()).length === 2, 100_000);
      expect(Date.now()).toBeGreaterThanOrEqual(leaseUntil.getTime());
      await lock.release();
      const done = await finishWorkflow(fx, id, 60);
      expect(done.status).toBe('completed');
      expect(await dispatchDetails(fx, id)).toMatchObject({ leases: 2, expired_leases: 1 });
      // Both ran: the orphaned one and the one that completed the node.
      await waitForVacuums(fx, 'locked', before + 2);
      expect(await fx.value<string>(`SELECT status FROM df.instance_nodes($1)`, [id])).toBe('completed');
    } finally {
      await rescuer.stop();
    }
  });

  it('whose statement session is terminated: gives the work back at once and runs it again on a new session', { timeout: 120_000 }, async () => {
    const before = await vacuumCount(fx, 'locked');
    const lock = await blockVacuum();
    const pool = await statementPool(fx.url);
    try {
      const id = await startWorkflow(fx, `'VACUUM locked'`);
      await waitFor('the statement to run', async () => (await waitingVacuums()).length === 1);
      const [first] = await waitingVacuums();
      await fx.user.query('SELECT pg_terminate_backend($1)', [first]);
      await waitFor('it to run again', async () => {
        const pids = await waitingVacuums();
        return pids.length === 1 && pids[0] !== first;
      });
      await lock.release();
      const done = await finishWorkflow(fx, id);
      expect(done.status).toBe('completed');
      expect(await dispatchDetails(fx, id)).toMatchObject({ leases: 2, expired_leases: 0 });
      await waitForVacuums(fx, 'locked', before + 1);
      expect(await vacuumCount(fx, 'locked')).toBe(before + 1);
    } finally {
      await pool.stop();
    }
  });

  it('stopped: lets the statement finish within the grace period, else cancels it and gives the work back', { timeout: 120_000 }, async () => {
    const before = await vacuumCount(fx, 'locked');
    const lock = await blockVacuum();
    const pool = await statementPool(fx.url);
    const id = await startWorkflow(fx, `'VACUUM locked'`);
    await waitFor('the statement to run', async () => (await waitingVacuums()).length === 1);
    await pool.stop(500);
    expect(await waitingVacuums()).toEqual([]);
    expect(await dispatchOf(fx, id)).toMatchObject({ leases: 1, expired_leases: 0, lease_token: null });
    await lock.release();
    const next = await statementPool(fx.url);
    try {
      const done = await finishWorkflow(fx, id);
      expect(done.status).toBe('completed');
      expect(await dispatchDetails(fx, id)).toMatchObject({ leases: 2, expired_leases: 0 });
      await waitForVacuums(fx, 'locked', before + 1);
    } finally {
      await next.stop();
    }
  });
});
