// SLEEP: a durable timer that completes with {"slept":true,"seconds":N}, validated when the
// graph is built, and that consumes no worker while it waits (spec sections 1, 7 and 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_sleep');
  await fx.user.query('CREATE TABLE trail (what text, at timestamptz DEFAULT clock_timestamp())');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

describe('df.sleep', () => {
  it('completes with {"slept":true,"seconds":N} after at least N seconds', async () => {
    const started = Date.now();
    const done = await runWorkflow(fx, `df.sleep(1)`);
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ slept: true, seconds: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('delays the next step by N seconds', async () => {
    const done = await runWorkflow(
      fx,
      `'INSERT INTO trail (what) VALUES (''before'')' ~> df.sleep(2) ~> 'INSERT INTO trail (what) VALUES (''after'')'`,
    );
    expect(done.status).toBe('completed');
    const gap = await fx.value<number>(
      `SELECT extract(epoch FROM max(at) FILTER (WHERE what = 'after') - max(at) FILTER (WHERE what = 'before'))::float8 FROM trail`,
    );
    expect(gap).toBeGreaterThanOrEqual(1.95);
  });

  it('allows zero seconds', async () => {
    const done = await runWorkflow(fx, `df.sleep(0)`);
    expect(done.result).toEqual({ slept: true, seconds: 0 });
  });

  it('rejects a negative number of seconds when the graph is built', async () => {
    await expect(fx.value(`SELECT df.sleep(-1)`)).rejects.toThrow(/negative/);
    await expect(fx.value(`SELECT df.start(df.sleep(-5))`)).rejects.toThrow(/negative/);
  });

  it('holds no worker while it waits: one worker still runs other instances promptly', async () => {
    const sleepers: string[] = [];
    for (let i = 0; i < 5; i++) sleepers.push(await startWorkflow(fx, `df.sleep(3) ~> 'SELECT ${i} AS i'`));
    await new Promise((r) => setTimeout(r, 300)); // the sleepers are all waiting now
    const quick = await startWorkflow(fx, `'SELECT 42 AS answer'`);
    // Five 3-second sleeps would keep a blocked worker busy for 15 s; a timer holds nothing.
    const done = await awaitWorkflow(fx, quick, 2);
    expect(done.result).toEqual({ rows: [{ answer: 42 }], row_count: 1 });
    for (const id of sleepers) expect(await fx.value('SELECT df.status($1)', [id])).not.toBe('completed');
    for (const [i, id] of sleepers.entries()) {
      expect((await awaitWorkflow(fx, id, 10)).result).toEqual({ rows: [{ i }], row_count: 1 });
    }
  });

  it('survives a restart of every worker while it waits', async () => {
    const id = await startWorkflow(fx, `df.sleep(2) ~> 'SELECT ''woke'' AS w'`);
    await fx.stopWorkers();
    await fx.startWorkers(1);
    expect((await awaitWorkflow(fx, id, 15)).result).toEqual({ rows: [{ w: 'woke' }], row_count: 1 });
  });
});
