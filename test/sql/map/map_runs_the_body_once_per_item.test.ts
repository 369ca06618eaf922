// df.map runs its body once per row of its items, `$item` bound to the row, and gives a row
// set of (item, status, result) in item order (spec/map.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('map_basic');
  await fx.user.query('CREATE TABLE docs (id int PRIMARY KEY, title text)');
  await fx.user.query(`INSERT INTO docs SELECT g, 'doc ' || g FROM generate_series(1, 5) g`);
  await fx.user.query('CREATE TABLE seen (id int, title text)');
  await fx.startWorkers(3);
});
afterAll(async () => fx?.close());

describe('df.map', () => {
  it('runs the body per item with $item, $item.col, $item? and $item.*, results in item order', async () => {
    const done = await runWorkflow(
      fx,
      `df.map('SELECT id, title FROM docs ORDER BY id DESC',
              'INSERT INTO seen SELECT $item, $item.title RETURNING (SELECT count(*) FROM $item.*)::int AS n, $item? AS id', 2)`,
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({
      rows: [5, 4, 3, 2, 1].map((id) => ({
        item: { id, title: `doc ${id}` }, status: 'completed', result: { rows: [{ n: 1, id }], row_count: 1 },
      })),
      row_count: 5,
    });
    const { rows } = await fx.user.query('SELECT id, title FROM seen ORDER BY id');
    expect(rows).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, title: `doc ${id}` })));
  });

  it('maps over an earlier named result with $batch.* and is readable as a table afterwards', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT id FROM docs WHERE id <= 3' |=> 'batch')
       ~> (df.map('SELECT * FROM $batch.*', 'SELECT $item.id * 10 AS tenfold') |=> 'm')
       ~> 'SELECT sum((result::jsonb -> ''rows'' -> 0 ->> ''tenfold'')::int)::int AS total, count(*)::int AS n FROM $m.* WHERE status = ''completed'''`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ total: 60, n: 3 }], row_count: 1 });
  });

  it('completes at once with no rows, and fails clearly when the items are not a row set', async () => {
    const empty = await runWorkflow(fx, `df.map('SELECT 1 WHERE false', 'SELECT 1/0')`);
    expect(empty.result).toEqual({ rows: [], row_count: 0 });
    const notRows = await runWorkflow(fx, `df.map(df.sleep(0), 'SELECT 1')`);
    expect(notRows.status).toBe('failed');
    expect(notRows.error).toMatch(/^MAP: the items workflow must give a row set \(\{"rows":\[…\]\}\), got \{"slept":true/);
  });

  it('keeps $item injection-safe', async () => {
    const done = await runWorkflow(
      fx,
      `df.map($$SELECT 'x''); DROP TABLE docs; --' AS evil$$, 'SELECT $item.evil AS v')`,
    );
    expect(done.error).toBeNull();
    expect((done.result as { rows: { result: unknown }[] }).rows[0].result).toEqual({ rows: [{ v: "x'); DROP TABLE docs; --" }], row_count: 1 });
    expect(await fx.value('SELECT count(*)::int FROM docs')).toBe(5);
  });
});
