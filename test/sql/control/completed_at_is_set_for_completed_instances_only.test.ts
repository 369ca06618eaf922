import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('completed_at');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

const completedAtSet = (id: string) => fx.value<boolean>(`SELECT completed_at IS NOT NULL FROM df.instances WHERE id = $1`, [id]);

describe('completed_at (as in the reference)', () => {
  it('is set when an instance completes, and stays NULL when it fails or is cancelled', async () => {
    const completed = await runWorkflow(fx, `'SELECT 1'`);
    const failed = await runWorkflow(fx, `'SELECT 1/0'`);
    const cancelled = await startWorkflow(fx, `df.sleep(60)`);
    await fx.value(`SELECT df.cancel($1)`, [cancelled]);
    expect([completed.status, failed.status]).toEqual(['completed', 'failed']);
    expect(await completedAtSet(completed.id)).toBe(true);
    expect(await completedAtSet(failed.id)).toBe(false);
    expect(await completedAtSet(cancelled)).toBe(false);
    // Durations of ended instances still stop at their end.
    const { rows } = await fx.user.query(`SELECT duration_ms FROM df.instance_executions($1)`, [cancelled]);
    await new Promise((r) => setTimeout(r, 300));
    const again = await fx.user.query(`SELECT duration_ms FROM df.instance_executions($1)`, [cancelled]);
    expect(again.rows[0].duration_ms).toBe(rows[0].duration_ms);
  });
});
