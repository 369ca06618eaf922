// WAIT_SCHEDULE: waits for the next cron tick strictly after the node starts executing (in UTC);
// invalid cron expressions are rejected when the graph is built (spec sections 1, 7 and 9).
//
// The engine's clock is moved with pg_durable.fake_now_offset, so a yearly tick is seconds away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_sched');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

describe('df.wait_for_schedule', () => {
  it('rejects an invalid cron expression at build time', async () => {
    for (const bad of ['61 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', 'not cron', '* * * *', '']) {
      await expect(fx.value(`SELECT df.wait_for_schedule($1)`, [bad]), bad).rejects.toThrow();
    }
  });

  it('accepts lists, ranges, steps, names and day-of-week 0-7', async () => {
    for (const good of ['*/15 0-6 * * *', '0 12 1,15 * *', '30 9 * JAN-MAR MON-FRI', '0 0 * * 0', '0 0 * * 7', '5 4 * * sun']) {
      const env = await fx.value<string>(`SELECT df.wait_for_schedule($1)`, [good]);
      expect(JSON.parse(env)).toMatchObject({ node_type: 'WAIT_SCHEDULE' });
      expect(JSON.parse(JSON.parse(env).query)).toEqual({ cron_expr: good });
    }
  });

  it('completes with {"scheduled":true} at the next tick after the node starts', { timeout: 90_000 }, async () => {
    // Put the workers' clock 10 s before the next New Year (UTC): enough for the restart of
    // the workers and the first step even on a loaded machine.
    const now = new Date();
    const newYear = Date.UTC(now.getUTCFullYear() + 1, 0, 1);
    const offset = Math.floor((newYear - now.getTime()) / 1000) - 10;
    const admin = await fx.scratch.admin();
    await admin.query(`ALTER DATABASE "${fx.scratch.name}" SET pg_durable.fake_now_offset = '${offset}'`);
    await fx.stopWorkers();
    await fx.startWorkers(1);
    try {
      const id = await startWorkflow(fx, `'SELECT 1' ~> df.wait_for_schedule('0 0 1 1 *')`);
      const done = await awaitWorkflow(fx, id, 60);
      expect(done.status).toBe('completed');
      const result = done.result as { scheduled: boolean; fired_at: string };
      expect(result.scheduled).toBe(true);
      const fired = Date.parse(result.fired_at);
      expect(fired).toBeGreaterThanOrEqual(newYear);
      expect(fired).toBeLessThan(newYear + 30_000);
    } finally {
      await admin.query(`ALTER DATABASE "${fx.scratch.name}" RESET pg_durable.fake_now_offset`);
    }
  });
});
