// SIGNAL: df.wait_for_signal completes when df.signal sends its name, with the data as JSON;
// a signal sent before the wait is buffered for it; a timeout resolves timed_out; every branch
// waiting on the name receives it (spec sections 1, 4, 7 and 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_signal');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const send = (id: string, name: string, data?: string) =>
  data === undefined
    ? fx.value<string>('SELECT df.signal($1, $2)', [id, name])
    : fx.value<string>('SELECT df.signal($1, $2, $3)', [id, name, data]);

describe('df.wait_for_signal', () => {
  it('waits until the signal arrives and completes with its JSON data', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('go')`);
    await sleep(500);
    expect(await fx.value('SELECT df.status($1)', [id])).not.toBe('completed');
    expect(await send(id, 'go', '{"x":1}')).toBe('OK');
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.result).toEqual({ signal_name: 'go', timed_out: false, data: { x: 1 } });
  });

  it('ignores signals of another name', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('go', 2)`);
    expect(await send(id, 'other', '{"x":2}')).toBe('OK');
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.result).toEqual({ signal_name: 'go', timed_out: true, data: null });
  });

  it('gives {} as the data when df.signal has none, and keeps big numbers exact', async () => {
    const plain = await startWorkflow(fx, `df.wait_for_signal('go')`);
    await send(plain, 'go');
    expect((await awaitWorkflow(fx, plain, 10)).result).toEqual({ signal_name: 'go', timed_out: false, data: {} });
    const big = await startWorkflow(fx, `df.wait_for_signal('go')`);
    await send(big, 'go', '[12345678901234567890, 0.10]');
    expect((await awaitWorkflow(fx, big, 10)).resultText).toMatch(/"data":\s*\[12345678901234567890,\s*0\.10\]/);
  });

  it('stores data that is not JSON as a JSON string', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('go')`);
    await send(id, 'go', `it's "plain" text\\`);
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.result).toEqual({ signal_name: 'go', timed_out: false, data: `it's "plain" text\\` });
  });

  it('keeps a signal sent before the wait starts and gives it to that wait', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('first') ~> df.wait_for_signal('second')`);
    expect(await send(id, 'second', '{"early":true}')).toBe('OK');
    await sleep(300);
    await send(id, 'first', '{"n":1}');
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.result).toEqual({ signal_name: 'second', timed_out: false, data: { early: true } });
  });

  it('consumes a buffered signal once', async () => {
    const id = await startWorkflow(
      fx,
      `df.wait_for_signal('first') ~> df.wait_for_signal('again') ~> df.wait_for_signal('again', 1)`,
    );
    await send(id, 'again', '"once"');
    await send(id, 'first');
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.result).toEqual({ signal_name: 'again', timed_out: true, data: null });
  });

  it('times out with timed_out true and data null', async () => {
    const started = Date.now();
    const done = await runWorkflow(fx, `df.wait_for_signal('never', 1)`);
    expect(done.result).toEqual({ signal_name: 'never', timed_out: true, data: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('delivers one signal to every JOIN branch waiting on the name', async () => {
    const id = await startWorkflow(fx, `df.wait_for_signal('go') & df.wait_for_signal('go')`);
    await sleep(300);
    await send(id, 'go', '{"all":true}');
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.result).toEqual([
      { signal_name: 'go', timed_out: false, data: { all: true } },
      { signal_name: 'go', timed_out: false, data: { all: true } },
    ]);
  });

  it('makes the signal data usable by later steps', async () => {
    const id = await startWorkflow(
      fx,
      `(df.wait_for_signal('order') |=> 'sig') ~> 'SELECT $sig.data::jsonb ->> ''item'' AS item'`,
    );
    await send(id, 'order', '{"item":"book"}');
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ item: 'book' }], row_count: 1 });
  });

  it('rejects an empty name and a timeout that is not positive', async () => {
    await expect(fx.value(`SELECT df.wait_for_signal('')`)).rejects.toThrow(/empty/);
    await expect(fx.value(`SELECT df.wait_for_signal('x', 0)`)).rejects.toThrow('Timeout must be positive, got 0');
    await expect(fx.value(`SELECT df.wait_for_signal('x', -5)`)).rejects.toThrow('Timeout must be positive, got -5');
  });

  it('makes df.signal fail for an unknown instance and an empty name', async () => {
    await expect(send('ffffffff', 'go')).rejects.toThrow('Instance not found or access denied: ffffffff');
    const id = await startWorkflow(fx, `df.wait_for_signal('go', 1)`);
    await expect(send(id, '')).rejects.toThrow(/empty/);
    await awaitWorkflow(fx, id, 10);
  });
});
