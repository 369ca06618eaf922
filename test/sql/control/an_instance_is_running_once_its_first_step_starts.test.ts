// Status model (as in the reference): pending until its first step starts, then running —
// also while that first step, a sleep or a wait is still going on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('running_status');
});
afterAll(async () => fx?.close());

const statusOf = (id: string) => fx.value<string>(`SELECT df.status($1)`, [id]);

describe('an instance', () => {
  it('is pending while no worker has started its first step', async () => {
    expect(await statusOf(await startWorkflow(fx, `'SELECT 1'`))).toBe('pending');
  });

  it('is running from the start when its first step is a sleep or a wait', async () => {
    expect(await statusOf(await startWorkflow(fx, `df.sleep(60)`))).toBe('running');
    expect(await statusOf(await startWorkflow(fx, `df.wait_for_signal('go', 60)`))).toBe('running');
  });

  it('is running while its first, long step runs', async () => {
    await fx.startWorkers(1);
    try {
      const id = await startWorkflow(fx, `'SELECT pg_sleep(1.5) AS slept'`);
      await waitFor('the step to start', async () => (await statusOf(id)) !== 'pending');
      expect(await statusOf(id)).toBe('running');
      expect((await awaitWorkflow(fx, id, 30)).status).toBe('completed');
    } finally {
      await fx.stopWorkers();
    }
  });
});
