// A step cancelled while it runs (pg_cancel_backend on its worker, which is what the CLI
// worker's shutdown and a statement_timeout do too) is not a failed step: on real plv8 the
// cancel is a catchable JavaScript exception, and the engine rolls the step back, ends the
// df.work call and leaves the step to run again.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { EFFECTS_TABLE, effect, effectCounts } from './effects.js';
import { waitFor } from '../support/slow-step.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('crash_cancel');
  await fx.user.query(EFFECTS_TABLE);
});
afterAll(async () => fx?.close());

const stepDone = async (id: string, step: string) =>
  ((await fx.value<number>(`SELECT count(*)::int FROM effects WHERE instance = $1 AND step = $2`, [id, step])) ?? 0) > 0;

describe('a step cancelled mid-statement', () => {
  it('runs again and takes effect once when its worker backend is cancelled', async () => {
    await fx.startWorkers(2);
    try {
      const id = await startWorkflow(fx, `${effect('first')} ~> ${effect('slow', 'pg_sleep(1.5)')} ~> ${effect('last')}`);
      await waitFor('the first step', () => stepDone(id, 'first'));
      await new Promise((r) => setTimeout(r, 300));
      const admin = await fx.scratch.admin();
      const { rows } = await admin.query(
        `SELECT count(*) FILTER (WHERE pg_cancel_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = $1 AND application_name LIKE 'pg_durable worker%' AND state = 'active'`,
        [fx.scratch.name],
      );
      expect(rows[0].n).toBeGreaterThan(0);
      const done = await awaitWorkflow(fx, id, 60);
      expect(done.status, done.error ?? '').toBe('completed');
      expect(Object.fromEntries((await effectCounts(fx)).get(id)!)).toEqual({ first: 1, slow: 1, last: 1 });
    } finally {
      await fx.stopWorkers();
    }
  });

  it('runs again and takes effect once after the CLI worker is stopped with SIGTERM mid-step', async () => {
    const id = await startWorkflow(fx, `${effect('first')} ~> ${effect('long', 'pg_sleep(7)')} ~> ${effect('last')}`);
    const child = spawn(process.execPath, [cli, 'worker', '--url', fx.url, '--workers', '1'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor('the first step', () => stepDone(id, 'first'));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await stepDone(id, 'long')).toBe(false);
    expect(await fx.value(`SELECT df.status($1)`, [id])).not.toBe('failed');

    await fx.startWorkers(1);
    try {
      const done = await awaitWorkflow(fx, id, 60);
      expect(done.status, done.error ?? '').toBe('completed');
      expect(Object.fromEntries((await effectCounts(fx)).get(id)!)).toEqual({ first: 1, long: 1, last: 1 });
    } finally {
      await fx.stopWorkers();
    }
  });
});
