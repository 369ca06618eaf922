// A MAP shows its counts live (df.explain, df.instance_nodes), is stopped whole by cancel and
// by a RACE it loses, and a map of 2,000 items completes with every effect once (spec/map.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('map_control');
  await fx.user.query('CREATE TABLE effects (tag text, item int)');
  await fx.startWorkers(4);
});
afterAll(async () => fx?.close());

const effects = (tag: string) => fx.value<number>('SELECT count(*)::int FROM effects WHERE tag = $1', [tag]);
const live = (id: string) => fx.value<number>('SELECT count(*)::int FROM df.activations WHERE instance_id = $1 AND NOT retired', [id]);

describe('df.map monitoring', () => {
  it('shows MAP (concurrency c) with its body and live counts', async () => {
    // The test's session holds the gate; every body waits on it.
    await fx.user.query('SELECT pg_advisory_lock(99)');
    const id = await startWorkflow(fx, `df.map('SELECT g FROM generate_series(1, 5) g', 'SELECT pg_advisory_xact_lock_shared(99), $item.g AS g', 2)`);
    const mapNode = () =>
      fx.value<Record<string, number> | null>(`SELECT status_details FROM df.instance_nodes($1) WHERE node_type = 'MAP'`, [id]);
    await waitFor('two items in flight', async () => (await mapNode())?.in_flight === 2);
    expect(await mapNode()).toEqual({ done: 0, failed: 0, in_flight: 2, waiting: 3 });
    const running = await fx.value<string>('SELECT df.explain($1)', [id]);
    expect(running).toContain('MAP (concurrency 2) ⏳ (0 done, 0 failed, 2 in flight, 3 waiting)');
    expect(running).toMatch(/\n {2}≡ items: SQL: SELECT g FROM generate_series\(1, 5\) g ✓\n {2}↻ each: SQL: SELECT pg_advisory_xact_lock_shared/);
    await fx.user.query('SELECT pg_advisory_unlock(99)');
    const done = await awaitWorkflow(fx, id);
    expect(done.status).toBe('completed');
    expect(await mapNode()).toEqual({ done: 5, failed: 0, in_flight: 0, waiting: 0 });
    expect(await fx.value<string>('SELECT df.explain($1)', [id])).toContain('MAP (concurrency 2) ✓ (5 done, 0 failed, 0 in flight, 0 waiting)');
  });

  it('explains a dry run and a DSL expression', async () => {
    const text = await fx.value<string>(`SELECT df.explain($1)`, [`df.map('SELECT 1 AS x', 'SELECT $item.x', 3)`]);
    expect(text).toBe(['MAP (concurrency 3)', '  ≡ items: SQL: SELECT 1 AS x', '  ↻ each: SQL: SELECT $item.x'].join('\n'));
  });
});

describe('stopping a MAP', () => {

  it('stops every item on cancel', async () => {
    const id = await startWorkflow(
      fx,
      `df.map('SELECT g FROM generate_series(1, 40) g', 'INSERT INTO effects SELECT ''cancel'', $item.g FROM pg_sleep(0.3)', 2)`,
    );
    await waitFor('first items', async () => (await effects('cancel')) >= 2);
    expect(await fx.value('SELECT df.cancel($1)', [id])).toBe(`Instance ${id} cancelled: Cancelled by user`);
    await new Promise((r) => setTimeout(r, 800));
    const after = await effects('cancel');
    await new Promise((r) => setTimeout(r, 800));
    expect(await effects('cancel')).toBe(after);
    expect(after).toBeLessThan(10);
    expect(await live(id)).toBe(0);
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('cancelled');
  });

  it('stops every item when it loses a RACE', async () => {
    const done = await runWorkflow(
      fx,
      `df.race(df.map('SELECT g FROM generate_series(1, 40) g', 'INSERT INTO effects SELECT ''race'', $item.g FROM pg_sleep(0.3)', 2),
               df.sleep(1) ~> 'SELECT ''won'' AS w')`,
    );
    expect(done.result).toEqual({ rows: [{ w: 'won' }], row_count: 1 });
    const after = await effects('race');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await effects('race')).toBe(after);
    expect(after).toBeLessThan(12);
    expect(await live(done.id)).toBe(0);
  });
});

describe('a map of 2,000 items', () => {
  it('completes with every item’s effect exactly once and its results in item order', async () => {
    const done = await runWorkflow(
      fx,
      `df.map('SELECT g FROM generate_series(1, 2000) g', 'INSERT INTO effects VALUES (''big'', $item.g) RETURNING item', 50)`,
    );
    expect(done.error).toBeNull();
    const result = done.result as { rows: { item: { g: number }; status: string; result: unknown }[]; row_count: number };
    expect(result.row_count).toBe(2000);
    expect(result.rows.every((r, i) => r.item.g === i + 1 && r.status === 'completed')).toBe(true);
    expect(result.rows[1999].result).toEqual({ rows: [{ item: 2000 }], row_count: 1 });
    const { rows } = await fx.user.query(`SELECT count(*)::int AS n, count(DISTINCT item)::int AS d FROM effects WHERE tag = 'big'`);
    expect(rows[0]).toEqual({ n: 2000, d: 2000 });
  }, 300_000);
});
