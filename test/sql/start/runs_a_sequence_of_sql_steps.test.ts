import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('start_sequence');
  await fx.user.query('CREATE TABLE log (step int, at timestamptz DEFAULT clock_timestamp())');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

describe('df.start with a sequence', () => {
  it('runs every step once, in order, and returns the last result', async () => {
    const done = await runWorkflow(
      fx,
      `'INSERT INTO log (step) VALUES (1)' ~> 'INSERT INTO log (step) VALUES (2)' ~> 'SELECT count(*) AS n FROM log'`,
    );
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ rows: [{ n: 2 }], row_count: 1 });
    const { rows } = await fx.user.query('SELECT step FROM log ORDER BY at');
    expect(rows.map((r) => r.step)).toEqual([1, 2]);
  });

  it('returns an 8-hex id and starts pending', async () => {
    await fx.stopWorkers();
    const id = await startWorkflow(fx, `'SELECT 1'`);
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('pending');
    await fx.startWorkers(1);
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
  });

  it('reports affected rows for DML without RETURNING', async () => {
    const done = await runWorkflow(fx, `'UPDATE log SET step = step'`);
    expect(done.result).toEqual({ rows: [], row_count: 2 });
  });

  it('fails the instance with the statement error and skips later steps', async () => {
    const done = await runWorkflow(fx, `'SELECT 1/0' ~> 'INSERT INTO log (step) VALUES (99)'`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('division by zero');
    expect(await fx.value('SELECT count(*)::int FROM log WHERE step = 99')).toBe(0);
  });

  it('leaves no trace when the caller rolls back', async () => {
    await fx.user.query('BEGIN');
    const id = await startWorkflow(fx, `'INSERT INTO log (step) VALUES (42)'`);
    await fx.user.query('ROLLBACK');
    expect(await fx.value('SELECT df.status($1)', [id])).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(await fx.value('SELECT count(*)::int FROM log WHERE step = 42')).toBe(0);
  });
});
