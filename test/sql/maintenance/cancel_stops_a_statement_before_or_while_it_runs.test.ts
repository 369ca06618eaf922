// Cancel (spec/outside-steps.md §1.4): a dispatched statement that no runner holds is never
// run; one that runs when its instance is cancelled loses its lease at the runner's next
// renewal (df.renew_dispatched answers NULL), and the runner cancels it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { waitFor } from '../../support/slow-step.js';
import { startWorkflow } from '../../support/workflow.js';
import { dispatchDetails, dispatchOf, statementPool, vacuumCount } from './maintenance.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('maint_cancel');
  await fx.user.query(`CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 100)`);
});
afterAll(async () => fx?.close());

const dispatched = (id: string) => async () => (await dispatchOf(fx, id)) !== undefined;

describe('cancelling an instance whose statement is dispatched', () => {
  it('before any runner takes it: the statement never runs', async () => {
    await fx.startWorkers(1); // workers only: no statement runner yet
    const before = await vacuumCount(fx, 't');
    const id = await startWorkflow(fx, `'VACUUM t'`);
    await waitFor('the dispatch', dispatched(id));
    expect(await fx.value(`SELECT status FROM df.instance_nodes($1)`, [id])).toBe('running');
    await fx.user.query(`SELECT df.cancel($1)`, [id]);
    await fx.stopWorkers();

    const pool = await statementPool(fx.url);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // many claim polls
      // Never leased (the sweep may already have removed the dispatch row with its cancelled activation).
      expect((await dispatchDetails(fx, id))?.leases ?? 0).toBe(0);
      expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('cancelled');
      expect(await vacuumCount(fx, 't')).toBe(before);
    } finally {
      await pool.stop();
    }
  });

  it('while it runs: the runner learns it at its next renewal and cancels the statement', async () => {
    const blocker = new pg.Client({ connectionString: fx.url });
    await blocker.connect();
    const before = await vacuumCount(fx, 't');
    await blocker.query(`BEGIN; LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE`);
    const pool = await statementPool(fx.url, 300);
    const running = () =>
      fx.value<boolean>(`SELECT EXISTS (SELECT FROM pg_stat_activity WHERE query = 'VACUUM t' AND state = 'active' AND datname = current_database())`);
    try {
      const id = await startWorkflow(fx, `'VACUUM t'`);
      await waitFor('the statement to run', running);
      await fx.user.query(`SELECT df.cancel($1)`, [id]);
      await waitFor('the runner to cancel it', async () => !(await running()), 10_000);
      await blocker.query('COMMIT');
      await new Promise((r) => setTimeout(r, 500));
      expect(await vacuumCount(fx, 't')).toBe(before);
      expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('cancelled');
      expect(await dispatchDetails(fx, id)).toMatchObject({ leases: 1 });
    } finally {
      await pool.stop();
      await blocker.end();
    }
  });
});

describe('df.renew_dispatched', () => {
  it('extends a held lease, and answers NULL for a lease no longer held', async () => {
    await fx.startWorkers(1);
    const id = await startWorkflow(fx, `'VACUUM t'`);
    await waitFor('the dispatch', dispatched(id));
    await fx.stopWorkers();
    const { rows } = await fx.user.query(`SELECT activation_id, lease_token, lease_until FROM df.claim_dispatched('statement', 'test')`);
    expect(rows).toHaveLength(1);
    const [{ activation_id: act, lease_token: token, lease_until: first }] = rows as { activation_id: string; lease_token: string; lease_until: Date }[];
    await new Promise((r) => setTimeout(r, 50));
    const renewed = await fx.value<Date>(`SELECT df.renew_dispatched($1, $2)`, [act, token]);
    expect(renewed.getTime()).toBeGreaterThan(first.getTime());
    expect(await fx.value(`SELECT lease_until FROM df.dispatches WHERE activation_id = $1`, [act])).toEqual(renewed);
    expect(await fx.value(`SELECT df.renew_dispatched($1, gen_random_uuid())`, [act])).toBeNull();
    expect(await fx.value(`SELECT df.release_dispatched($1, $2)`, [act, token])).toBe(true);
    expect(await fx.value(`SELECT df.renew_dispatched($1, $2)`, [act, token])).toBeNull();
    await fx.user.query(`SELECT df.cancel($1)`, [id]);
  });
});
