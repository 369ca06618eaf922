import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('signal_transactions');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

describe('df.signal', () => {
  it('sends nothing from a transaction that rolls back, and delivers once it commits', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('approval', 2)`);
    await fx.user.query('BEGIN');
    await fx.user.query(`SELECT df.signal($1, 'approval', '{"by": "mallory"}')`, [id]);
    await fx.user.query('ROLLBACK');
    const timedOut = await awaitWorkflow(fx, id, 30);
    expect(timedOut.result).toEqual({ signal_name: 'approval', timed_out: true, data: null });

    const second = await startWorkflow(fx, `df.wait_for_signal('approval', 30)`);
    await fx.user.query('BEGIN');
    await fx.user.query(`SELECT df.signal($1, 'approval', '{"by": "alice"}')`, [second]);
    await fx.user.query('COMMIT');
    expect((await awaitWorkflow(fx, second, 30)).result).toEqual({ signal_name: 'approval', timed_out: false, data: { by: 'alice' } });
  });
});
