// df.map keeps at most `concurrency` item bodies in flight and refills a freed slot at once;
// failures beyond max_failures stop new items and fail the MAP naming the first failed item;
// df.retry retries each item on its own, a body of several steps from its first (spec/map.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

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
  it('never runs more than `concurrency` bodies at once', async () => {
    const done = await runWorkflow(fx, `df.map('SELECT g FROM generate_series(1, 8) g', 'SELECT observe($item.g) AS n', 2)`);
    expect(done.error).toBeNull();
    const { rows } = await fx.user.query('SELECT item, running FROM seen ORDER BY item');
    expect(rows.map((r) => r.item)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Math.max(...rows.map((r) => r.running as number))).toBe(2);
  });

  it('refills a freed slot in the checkpoint that settles the item', async () => {
    // Item i's body waits for gate (78, i), which this session holds; items are let through one
    // by one. The MAP's counts are written by the checkpoints themselves, so the first state in
    // which an item is done already shows the next item in flight when the slot is refilled there.
    const gate = await fx.scratch.admin();
    await gate.query(`SELECT pg_advisory_lock(78, g) FROM generate_series(1, 4) g`);
    await fx.user.query(`CREATE FUNCTION gated(i int) RETURNS int LANGUAGE sql AS 'SELECT i FROM (SELECT pg_advisory_xact_lock_shared(78, i)) AS waited'`);
    const id = await fx.value<string>(`SELECT df.start(df.map('SELECT g FROM generate_series(1, 4) g', 'SELECT gated($item.g) AS i', 2))`);
    const counts = async () =>
      (await fx.value<Record<string, number> | null>(`SELECT status_details FROM df.instance_nodes($1) WHERE node_type = 'MAP'`, [id])) ?? {};
    await waitFor('two bodies in flight', async () => (await counts()).in_flight === 2);
    for (const item of [1, 2]) {
      await gate.query('SELECT pg_advisory_unlock(78, $1)', [item]);
      let seen: Record<string, number> = {};
      await waitFor(`item ${item} done`, async () => (seen = await counts()).done === item);
      expect(seen).toMatchObject({ done: item, failed: 0, in_flight: 2, waiting: 2 - item });
    }
    await gate.query('SELECT pg_advisory_unlock_all()');
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
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

  it('runs a retried item body again from its first step', async () => {
    // Each attempt records itself, then divides by zero unless it is the item's second attempt.
    await fx.user.query('CREATE TABLE tries (item int, seen_before bigint)');
    const done = await runWorkflow(
      fx,
      `df.map('SELECT g FROM generate_series(1, 3) g',
              df.retry(('INSERT INTO tries SELECT $item.g, count(*) FROM tries WHERE item = $item.g RETURNING seen_before' |=> 'try')
                       ~> 'SELECT $item.g * 10 / $try AS v', 2, 0), 2)`,
    );
    expect(done.error).toBeNull();
    const rows = (done.result as { rows: { result: unknown }[] }).rows;
    expect(rows.map((r) => r.result)).toEqual([1, 2, 3].map((g) => ({ rows: [{ v: g * 10 }], row_count: 1 })));
    const { rows: tries } = await fx.user.query('SELECT item, count(*)::int AS n FROM tries GROUP BY item ORDER BY item');
    expect(tries).toEqual([1, 2, 3].map((item) => ({ item, n: 2 })));
  });
});
