// Names bound inside a map body are local to that item (the body sees the names bound before
// the map; nothing leaks to other items or after the map), and a BREAK ends the item's own
// nearest loop, while one that would leave the body is an error of that item (spec/map.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('map_scope');
  await fx.startWorkers(3);
});
afterAll(async () => fx?.close());

type MapRows = { rows: { item: unknown; status: string; result: unknown }[] };

describe('names inside df.map', () => {
  it('sees names bound before the map; its own names shadow them and stay in the item', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 100 AS v' |=> 'v')
       ~> (df.map('SELECT g FROM generate_series(1, 4) g',
                  (df.if_rows('loc', 'SELECT ''leaked'' AS prior', 'SELECT ''clean'' AS prior') |=> 'p')
                  ~> ('SELECT $item.g + $v AS loc' |=> 'loc') ~> ('SELECT $item.g AS v' |=> 'v')
                  ~> 'SELECT $p.prior AS prior, $loc AS loc, $v AS v', 1) |=> 'm')
       ~> df.if_rows('loc', 'SELECT ''leaked'' AS after', 'SELECT $v AS after')`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ after: 100 }], row_count: 1 });
    const map = JSON.parse(await fx.value<string>(`SELECT result::text FROM df.nodes WHERE instance_id = $1 AND node_type = 'MAP'`, [done.id])) as MapRows;
    expect(map.rows.map((r) => r.result)).toEqual(
      [1, 2, 3, 4].map((g) => ({ rows: [{ prior: 'clean', loc: 100 + g, v: g }], row_count: 1 })),
    );
  });

  it('binds $item per nested map, and if_rows sees item names', async () => {
    const done = await runWorkflow(
      fx,
      `df.map('SELECT g FROM generate_series(1, 2) g',
              ('SELECT $item.g AS outer_g' |=> 'o')
              ~> df.map('SELECT h FROM generate_series(1, 2) h',
                        ('SELECT 1 AS x WHERE $item.h = 2' |=> 'two') ~> df.if_rows('two', 'SELECT $o * 10 + $item.h AS v', 'SELECT 0 AS v')))`,
    );
    expect(done.error).toBeNull();
    const outer = (done.result as MapRows).rows.map((r) => (r.result as MapRows).rows.map((i) => i.result));
    expect(outer).toEqual([
      [{ rows: [{ v: 0 }], row_count: 1 }, { rows: [{ v: 12 }], row_count: 1 }],
      [{ rows: [{ v: 0 }], row_count: 1 }, { rows: [{ v: 22 }], row_count: 1 }],
    ]);
  });
});

describe('BREAK inside df.map', () => {
  it('ends the item’s own loop', async () => {
    const done = await runWorkflow(fx, `df.map('SELECT g FROM generate_series(1, 3) g', df.loop('SELECT 1' ~> df.break('$item.g')))`);
    expect(done.error).toBeNull();
    expect((done.result as MapRows).rows.map((r) => r.result)).toEqual([1, 2, 3]);
  });

  it('is an error of the item when it would leave the body, also inside a loop around the map', async () => {
    const alone = await runWorkflow(fx, `df.map('SELECT 1 AS g', df.break('1'))`);
    expect(alone.status).toBe('failed');
    expect(alone.error).toMatch(/^MAP: 1 of 1 items failed; first \(item 1\): df\.break\(\) would leave the body of df\.map/);
    const looped = await runWorkflow(
      fx,
      `df.loop(df.map('SELECT g FROM generate_series(1, 3) g', df.if('SELECT $item.g = 2', df.break('2'), 'SELECT 0'), 1, 5) ~> df.break('after'))`,
    );
    expect(looped.error).toBeNull();
    expect(looped.result).toBe('after');
  });
});
