// df.status, df.result and df.error: what the owner can read about an instance at each stage
// (spec sections 4 and 10).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('c_status');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

const read = async (id: string) => {
  const { rows } = await fx.user.query('SELECT df.status($1) AS s, df.result($1) AS r, df.error($1) AS e', [id]);
  return rows[0] as { s: string | null; r: string | null; e: string | null };
};

describe('df.status / df.result / df.error', () => {
  it('are NULL for an unknown id', async () => {
    expect(await read('ffffffff')).toEqual({ s: null, r: null, e: null });
    expect(await read('not an id')).toEqual({ s: null, r: null, e: null });
  });

  it('are NULL for a NULL id (STRICT)', async () => {
    const { rows } = await fx.user.query('SELECT df.status(NULL) AS s, df.result(NULL) AS r, df.error(NULL) AS e');
    expect(rows[0]).toEqual({ s: null, r: null, e: null });
  });

  it('show pending with no result before any worker runs it', async () => {
    await fx.stopWorkers();
    try {
      const id = await startWorkflow(fx, `'SELECT 1 AS one'`);
      expect(await read(id)).toEqual({ s: 'pending', r: null, e: null });
    } finally {
      await fx.startWorkers(1);
    }
  });

  it('show running with no result while a later step waits', async () => {
    const id = await startWorkflow(fx, `'SELECT 1 AS one' ~> df.wait_for_signal('go')`);
    const deadline = Date.now() + 10_000;
    while ((await read(id)).s !== 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await read(id)).toEqual({ s: 'running', r: null, e: null });
    await fx.value('SELECT df.signal($1, $2)', [id, 'go']);
    expect((await awaitWorkflow(fx, id, 10)).status).toBe('completed');
  });

  it('give the root result as JSON text once completed, and no error', async () => {
    const done = await runWorkflow(fx, `'SELECT 1 AS one'`);
    expect(await read(done.id)).toEqual({ s: 'completed', r: '{"rows":[{"one":1}],"row_count":1}', e: null });
  });

  it('give the error and no result once failed', async () => {
    const done = await runWorkflow(fx, `'SELECT 1' ~> 'SELECT 1/0'`);
    expect(await read(done.id)).toEqual({ s: 'failed', r: null, e: 'division by zero' });
  });

  it('never change once terminal', async () => {
    const done = await runWorkflow(fx, `'SELECT 2 AS two'`);
    const before = await read(done.id);
    await fx.value('SELECT df.cancel($1)', [done.id]);
    await fx.value('SELECT df.signal($1, $2)', [done.id, 'go']);
    expect(await read(done.id)).toEqual(before);
  });
});
