// df.retry: a failed attempt is rolled back and run again after delay * backoff^(n-1); the
// final failure propagates (spec section 1). A policy on a composite runs it again from its
// first step. Attempts are counted with sequences, whose
// nextval survives the rollback of a failed attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_retry');
  await fx.user.query('CREATE TABLE log (v bigint)');
  for (const s of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']) await fx.user.query(`CREATE SEQUENCE ${s}`);
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

  it('runs a failed sequence again from its first step, each completed step of an attempt committed once', async () => {
    // The second step fails on attempts 1 and 2 (nextval 1, 2) and passes on attempt 3.
    const done = await runWorkflow(
      fx,
      `df.retry('INSERT INTO log (v) VALUES (60) RETURNING v' |=> 'first'
                ~> 'INSERT INTO log (v) SELECT $first + 1 / (nextval(''a6'') / 3) RETURNING v', 3, 0, 1)`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ v: 61 }], row_count: 1 });
    expect(await attempts('a6')).toBe('3');
    const { rows } = await fx.user.query('SELECT v::int, count(*)::int AS n FROM log WHERE v IN (60, 61) GROUP BY v ORDER BY v');
    expect(rows).toEqual([
      { v: 60, n: 3 },
      { v: 61, n: 1 },
    ]);
  });

  it('shows a retried composite waiting for its next attempt, and fails after its last one', async () => {
    const id = await fx.value<string>(`SELECT df.start(df.retry('SELECT 1' ~> 'SELECT 1 / (nextval(''a7'') * 0)', 2, 3600, 1, 3600))`);
    const details = async () =>
      fx.value<Record<string, unknown> | null>(`SELECT status_details FROM df.instance_nodes($1) WHERE node_type = 'THEN'`, [id]);
    await waitFor('the first attempt to fail', async () => (await details()) !== null);
    expect(await details()).toMatchObject({ attempt: 2, last_error: 'division by zero' });
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('running');
    // The second attempt is the last: bring it forward instead of waiting an hour.
    await (await fx.scratch.admin()).query(`UPDATE df.activations SET wake_at = now() WHERE instance_id = $1 AND leaf`, [id]);
    const done = await awaitWorkflow(fx, id);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('division by zero');
    expect(await attempts('a7')).toBe('2');
  });

  it('rejects an invalid policy at build time', async () => {
    await expect(fx.value(`SELECT df.retry('SELECT 1', 0)`)).rejects.toThrow(/max_attempts/);
    await expect(fx.value(`SELECT df.retry('SELECT 1', 2, -1)`)).rejects.toThrow(/delay_seconds/);
  });
});
