// df.retry: a failed attempt is rolled back and run again after delay * backoff^(n-1); the
// final failure propagates (spec section 1). Attempts are counted with sequences, whose
// nextval survives the rollback of a failed attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_retry');
  await fx.user.query('CREATE TABLE log (v bigint)');
  for (const s of ['a1', 'a2', 'a3', 'a4', 'a5']) await fx.user.query(`CREATE SEQUENCE ${s}`);
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

const attempts = (seq: string) => fx.value<string>(`SELECT last_value::text FROM ${seq}`);

describe('df.retry', () => {
  it('succeeds on the third attempt of a step that fails twice, keeping only its effects', async () => {
    // nextval 1 and 2 divide by zero; 3 succeeds.
    const done = await runWorkflow(
      fx,
      `df.retry('INSERT INTO log (v) SELECT 1 / (nextval(''a1'') / 3) RETURNING v', 3, 0, 1)`,
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ rows: [{ v: 1 }], row_count: 1 });
    expect(await attempts('a1')).toBe('3');
    expect(await fx.value('SELECT count(*)::int FROM log')).toBe(1);
  });

  it('propagates the last failure after max_attempts attempts', async () => {
    const done = await runWorkflow(
      fx,
      `df.retry('INSERT INTO log (v) SELECT 1 / (nextval(''a2'') * 0)', 3, 0, 1) ~> 'INSERT INTO log (v) VALUES (99)'`,
    );
    expect(done.status).toBe('failed');
    expect(done.error).toBe('division by zero');
    expect(await attempts('a2')).toBe('3');
    expect(await fx.value('SELECT count(*)::int FROM log WHERE v = 99')).toBe(0);
  });

  it('runs once with max_attempts 1', async () => {
    const done = await runWorkflow(fx, `df.retry('SELECT 1 / (nextval(''a3'') * 0)', 1, 0, 1)`);
    expect(done.status).toBe('failed');
    expect(await attempts('a3')).toBe('1');
  });

  it('waits delay * backoff^(n-1) between attempts', async () => {
    const started = Date.now();
    // Attempts at 0, +1 s, +2 s (delay 1, backoff 2): at least 3 s in all.
    const done = await runWorkflow(fx, `df.retry('SELECT 1 / (nextval(''a4'') / 3) AS ok', 3, 1, 2)`);
    expect(done.result).toEqual({ rows: [{ ok: 1 }], row_count: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  });

  it('keeps the result name of the step it wraps', async () => {
    const done = await runWorkflow(
      fx,
      `df.retry('SELECT 1 / (nextval(''a5'') / 2) AS ok' |=> 'x', 2, 0, 1) ~> 'SELECT $x * 7 AS v'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ v: 7 }], row_count: 1 });
  });

  it('rejects an invalid policy at build time', async () => {
    await expect(fx.value(`SELECT df.retry('SELECT 1', 0)`)).rejects.toThrow(/max_attempts/);
    await expect(fx.value(`SELECT df.retry('SELECT 1', 2, -1)`)).rejects.toThrow(/delay_seconds/);
  });
});
