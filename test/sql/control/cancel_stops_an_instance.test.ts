// df.cancel: ends an instance as cancelled; its pending work never runs and a step running at
// that moment commits nothing; terminal instances are left alone (spec section 4).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';
import { installSlowInsert, slowStepRunning, waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('c_cancel');
  await fx.user.query('CREATE TABLE t (v text)');
  await installSlowInsert(fx);
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.user.query('TRUNCATE t');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
describe('df.cancel', () => {
  it('cancels with the reason in its message, and pending work never runs', async () => {
    const id = await startWorkflow(fx, `df.sleep(1) ~> 'INSERT INTO t VALUES (''after sleep'')'`);
    expect(await fx.value('SELECT df.cancel($1, $2)', [id, 'no longer needed'])).toBe(
      `Instance ${id} cancelled: no longer needed`,
    );
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('cancelled');
    await sleep(2000);
    expect(await fx.value('SELECT count(*)::int FROM t')).toBe(0);
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('cancelled');
    expect(await fx.value('SELECT df.result($1)', [id])).toBeNull();
  });

  it('uses the default reason', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('go')`);
    expect(await fx.value('SELECT df.cancel($1)', [id])).toBe(`Instance ${id} cancelled: Cancelled by user`);
  });

  it('stops an instance waiting for a signal: the signal no longer runs anything', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('go') ~> 'INSERT INTO t VALUES (''signalled'')'`);
    await fx.value('SELECT df.cancel($1)', [id]);
    expect(await fx.value('SELECT df.signal($1, $2)', [id, 'go'])).toBe('OK');
    await sleep(500);
    expect(await fx.value('SELECT count(*)::int FROM t')).toBe(0);
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('cancelled');
  });

  it('commits nothing of a step running at that moment', async () => {
    const id = await startWorkflow(fx, `'SELECT slow_insert(1, ''running'', 1.5)' ~> 'INSERT INTO t VALUES (''next'')'`);
    await waitFor('the step to start', () => slowStepRunning(fx, 1), 15_000);
    expect(await fx.value('SELECT df.cancel($1)', [id])).toBe(`Instance ${id} cancelled: Cancelled by user`);
    await waitFor('the step to end', async () => !(await slowStepRunning(fx, 1)), 15_000);
    await sleep(300);
    expect(await fx.value('SELECT count(*)::int FROM t')).toBe(0);
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('cancelled');
  });

  it('cancels every branch of a JOIN', async () => {
    const id = await startWorkflow(
      fx,
      `(df.sleep(1) ~> 'INSERT INTO t VALUES (''a'')') & (df.wait_for_signal('go') ~> 'INSERT INTO t VALUES (''b'')')`,
    );
    await fx.value('SELECT df.cancel($1)', [id]);
    await fx.value('SELECT df.signal($1, $2)', [id, 'go']);
    await sleep(2000);
    expect(await fx.value('SELECT count(*)::int FROM t')).toBe(0);
  });

  it('is a no-op on a terminal instance', async () => {
    const done = await runWorkflow(fx, `'SELECT 7 AS v'`);
    const message = await fx.value<string>('SELECT df.cancel($1, $2)', [done.id, 'too late']);
    expect(message).not.toBe(`Instance ${done.id} cancelled: too late`);
    expect(await fx.value('SELECT df.status($1)', [done.id])).toBe('completed');
    expect(await fx.value('SELECT df.result($1)', [done.id])).toBe('{"rows":[{"v":7}],"row_count":1}');
    const failed = await runWorkflow(fx, `'SELECT 1/0'`);
    await fx.value('SELECT df.cancel($1)', [failed.id]);
    expect(await fx.value('SELECT df.status($1)', [failed.id])).toBe('failed');
    expect(await fx.value('SELECT df.error($1)', [failed.id])).toBe('division by zero');
    const cancelled = await startWorkflow(fx, `df.wait_for_signal('go')`);
    await fx.value('SELECT df.cancel($1, $2)', [cancelled, 'first']);
    await fx.value('SELECT df.cancel($1, $2)', [cancelled, 'second']);
    expect(await fx.value('SELECT df.status($1)', [cancelled])).toBe('cancelled');
  });

  it('fails for an unknown id', async () => {
    await expect(fx.value('SELECT df.cancel($1)', ['ffffffff'])).rejects.toThrow(
      'Instance not found or access denied: ffffffff',
    );
  });

  it('makes await_instance return cancelled', async () => {
    const id = await startWorkflow(fx, `df.sleep(30)`);
    await fx.value('SELECT df.cancel($1)', [id]);
    expect((await awaitWorkflow(fx, id, 5)).status).toBe('cancelled');
  });
});
