// df.map keeps at most `concurrency` item bodies in flight and refills a freed slot at once;
// failures beyond max_failures stop new items and fail the MAP naming the first failed item;
// df.retry retries each item on its own (spec/map.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('map_bounds');
  await fx.user.query('CREATE TABLE seen (item int, running int)');
  await fx.user.query('CREATE TABLE effects (tag text, item int)');
  // observe(i) holds an advisory lock of class 77 (visible to other sessions at once) for a
  // while, then records how many item bodies hold one right now, itself included.
  await fx.user.query(`
    CREATE FUNCTION observe(i int) RETURNS int LANGUAGE plpgsql AS $$
    DECLARE n int;
    BEGIN
      PERFORM pg_advisory_xact_lock(77, i);
      PERFORM pg_sleep(0.3);
      SELECT count(*) INTO n FROM pg_locks WHERE locktype = 'advisory' AND classid = 77 AND objsubid = 2 AND granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database());
      INSERT INTO seen VALUES (i, n);
      RETURN n;
    END $$`);
  await fx.startWorkers(5);
});
afterAll(async () => fx?.close());

describe('df.map concurrency', () => {
  it('never runs more than `concurrency` bodies at once and refills a freed slot at once', async () => {
    const started = Date.now();
    const done = await runWorkflow(fx, `df.map('SELECT g FROM generate_series(1, 8) g', 'SELECT observe($item.g) AS n', 2)`);
    const elapsed = Date.now() - started;
    expect(done.error).toBeNull();
    const { rows } = await fx.user.query('SELECT item, running FROM seen ORDER BY item');
    expect(rows.map((r) => r.item)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Math.max(...rows.map((r) => r.running as number))).toBe(2);
    // With a slot refilled as soon as an item ends, the other slot's body is always running
    // (all but the last item see two); 8 items of 0.3 s in 2 slots take about 1.2 s.
    expect(rows.filter((r) => r.running === 2).length).toBeGreaterThanOrEqual(7);
    expect(elapsed).toBeLessThan(1200 * 2);
  });
});

describe('df.map max_failures', () => {
  const items = `'SELECT g FROM generate_series(1, 10) g'`;
  const body = (tag: string) =>
    `'INSERT INTO effects SELECT ''${tag}'', $item.g WHERE 1 / (CASE WHEN $item.g IN (3, 5, 7) THEN 0 ELSE 1 END) = 1 RETURNING item'`;

  it('completes with the failed items in its rows while at most max_failures fail', async () => {
    const done = await runWorkflow(fx, `df.map(${items}, ${body('within')}, 1, 3)`);
    expect(done.error).toBeNull();
    const rows = (done.result as { rows: { item: { g: number }; status: string; result: unknown }[]; row_count: number }).rows;
    expect(rows.map((r) => r.status)).toEqual(
      Array.from({ length: 10 }, (_, i) => ([3, 5, 7].includes(i + 1) ? 'failed' : 'completed')),
    );
    expect(rows[2]).toEqual({ item: { g: 3 }, status: 'failed', result: 'division by zero' });
    expect(rows[0].result).toEqual({ rows: [{ item: 1 }], row_count: 1 });
  });

  it('starts no new item once more than max_failures failed, and names the first failed item', async () => {
    const done = await runWorkflow(fx, `df.map(${items}, ${body('beyond')}, 1, 2)`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('MAP: 3 of 10 items failed; first (item 3): division by zero');
    const { rows } = await fx.user.query(`SELECT item FROM effects WHERE tag = 'beyond' ORDER BY item`);
    expect(rows.map((r) => r.item)).toEqual([1, 2, 4, 6]);
  });

  it('fails on the first failure by default, after the items in flight finish', async () => {
    const done = await runWorkflow(fx, `df.map(${items}, ${body('default')}, 4)`);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^MAP: [1-3] of 10 items failed; first \(item 3\): division by zero$/);
    const { rows } = await fx.user.query(`SELECT item FROM effects WHERE tag = 'default' ORDER BY item`);
    expect(rows.map((r) => r.item)).toEqual(expect.arrayContaining([1, 2, 4]));
    expect(rows.every((r) => (r.item as number) <= 8)).toBe(true);
  });

  it('retries each item on its own with df.retry', async () => {
    // A sequence is not rolled back with a failed attempt: it counts attempts across them.
    for (const i of [1, 2, 3]) await fx.user.query(`CREATE SEQUENCE attempts_${i}`);
    const done = await runWorkflow(
      fx,
      `df.map('SELECT g FROM generate_series(1, 3) g',
              df.retry('SELECT $item.g / (CASE WHEN nextval(''attempts_'' || $item.g) < 3 THEN 0 ELSE 1 END) AS v', 3, 0), 3)`,
    );
    expect(done.error).toBeNull();
    const rows = (done.result as { rows: { result: unknown }[] }).rows;
    expect(rows.map((r) => r.result)).toEqual([1, 2, 3].map((v) => ({ rows: [{ v }], row_count: 1 })));
    for (const i of [1, 2, 3]) expect(await fx.value(`SELECT last_value::int FROM attempts_${i}`)).toBe(3);
  });
});
