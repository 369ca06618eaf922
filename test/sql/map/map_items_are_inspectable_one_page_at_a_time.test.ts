// df.instance_items: the items of a MAP, one keyset page at a time, while it runs (waiting,
// running with the body's steps in flight, completed, failed) and once it has completed (read
// from its result), for a MAP inside another MAP's items, with retries and dispatched steps
// (spec/map.md: per-item statuses are inspectable without loading all items).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';
import { claim, complete, response } from '../dispatch/runner.js';

let fx: EngineFixture;
let gate: pg.Client;
beforeAll(async () => {
  fx = await engineFixture('map_items');
  await fx.scratch.admin().then((a) => a.query(`SELECT df.grant_usage($1, include_http => true)`, [fx.role]));
  // gated(i) waits until this test's gate session lets item i through (advisory lock (80, i)).
  await fx.user.query(
    `CREATE FUNCTION gated(i int) RETURNS int LANGUAGE sql AS 'SELECT i FROM (SELECT pg_advisory_xact_lock_shared(80, i)) AS waited'`,
  );
  gate = await fx.scratch.admin();
  await fx.startWorkers(5);
});
afterAll(async () => fx?.close());

interface Step {
  node_id: number;
  node_type: string;
  attempt: number;
  wake_at: string;
  dispatch: { state: string; runner?: string; lease_until?: string } | null;
}
interface ItemRow {
  node_id: number;
  outer_items: number[];
  item: number;
  item_row: unknown;
  status: string;
  result: unknown;
  in_flight: Step[] | null;
}

async function items(id: string, ...args: unknown[]): Promise<ItemRow[]> {
  const params = args.map((_, i) => `$${i + 2}`).join(', ');
  const { rows } = await fx.user.query(`SELECT * FROM df.instance_items($1${params ? `, ${params}` : ''})`, [id, ...args]);
  return rows as ItemRow[];
}
const counts = async (id: string, node = 1) =>
  (await fx.value<Record<string, number> | null>(`SELECT status_details FROM df.instance_nodes($1) WHERE node_id = $2`, [id, node])) ?? {};
const brief = (rows: ItemRow[]) => rows.map((r) => `${r.outer_items.join('.')}${r.outer_items.length ? '/' : ''}${r.item}:${r.status}`);

describe('a running MAP', () => {
  // Eight items, three at a time; item 2 fails (division by zero), items 3, 4 and 6 wait at
  // their gate. Once 1 and 5 are done and 2 has failed, 3, 4 and 6 are in flight and 7, 8 wait.
  const workflow = `df.map('SELECT g FROM generate_series(1, 8) g', 'SELECT gated($item.g) / ($item.g - 2) AS v', 3, 5)`;
  let id: string;

  beforeAll(async () => {
    await gate.query('SELECT pg_advisory_lock(80, g) FROM unnest(ARRAY[3, 4, 6]) g');
    id = await startWorkflow(fx, workflow);
    await waitFor('items 3, 4 and 6 in flight', async () => (await counts(id)).done === 2);
    expect(await counts(id)).toEqual({ done: 2, failed: 1, in_flight: 3, waiting: 2 });
  });

  it('shows each item with its row, status and, once settled, its result or error', async () => {
    const rows = await items(id);
    expect(brief(rows)).toEqual(['1:completed', '2:failed', '3:running', '4:running', '5:completed', '6:running', '7:waiting', '8:waiting']);
    expect(rows.every((r) => r.node_id === 1 && r.outer_items.length === 0)).toBe(true);
    expect(rows.map((r) => r.item_row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((g) => ({ g })));
    expect(rows[0].result).toEqual({ rows: [{ v: -1 }], row_count: 1 });
    expect(rows[1].result).toBe('division by zero');
    expect(rows[4].result).toEqual({ rows: [{ v: 1 }], row_count: 1 });
    for (const r of [rows[2], rows[3], rows[5], rows[6], rows[7]]) expect(r.result).toBeNull();
  });

  it('names the body steps in flight of a running item, and none of the others', async () => {
    const rows = await items(id);
    for (const r of rows.filter((x) => x.status === 'running')) {
      // The body is node 3 (node 1 is the MAP, node 2 its items query).
      expect(r.in_flight).toEqual([{ node_id: 3, node_type: 'SQL', attempt: 1, wake_at: expect.any(String), dispatch: null }]);
    }
    for (const r of rows.filter((x) => x.status !== 'running')) expect(r.in_flight).toBeNull();
  });

  it('pages by item number', async () => {
    expect(brief(await items(id, 1, 0, 3))).toEqual(['1:completed', '2:failed', '3:running']);
    expect(brief(await items(id, 1, 3, 3))).toEqual(['4:running', '5:completed', '6:running']);
    expect(brief(await items(id, 1, 6, 3))).toEqual(['7:waiting', '8:waiting']);
    expect(await items(id, 1, 8, 3)).toEqual([]);
    expect(brief(await items(id, null, 4, 1))).toEqual(['5:completed']);
  });

  it('pages through the completed MAP’s result the same way', async () => {
    await gate.query('SELECT pg_advisory_unlock(80, g) FROM unnest(ARRAY[3, 4, 6]) g');
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
    const rows = await items(id);
    expect(brief(rows)).toEqual(['1:completed', '2:failed', '3:completed', '4:completed', '5:completed', '6:completed', '7:completed', '8:completed']);
    expect(rows.map((r) => r.item_row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((g) => ({ g })));
    expect(rows[1].result).toBe('division by zero');
    expect(rows[5].result).toEqual({ rows: [{ v: 1 }], row_count: 1 });
    expect(rows.every((r) => r.in_flight === null && r.node_id === 1)).toBe(true);
    expect(brief(await items(id, 1, 5, 2))).toEqual(['6:completed', '7:completed']);
    expect(brief(await items(id, 1, 7, 100))).toEqual(['8:completed']);
    expect(await items(id, 1, 8)).toEqual([]);
    expect(await items(id, 1, 2147483647, 1000)).toEqual([]);
  });
});

describe('other MAPs', () => {
  it('shows no items of a MAP that has not got its items yet, nor of one with none', async () => {
    await gate.query('SELECT pg_advisory_lock(80, 100)');
    const id = await startWorkflow(fx, `df.map('SELECT gated(100) AS g', 'SELECT 1')`);
    expect(await items(id)).toEqual([]); // the MAP runs from df.start, its items query waits at the gate
    await gate.query('SELECT pg_advisory_unlock(80, 100)');
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
    const none = await startWorkflow(fx, `df.map('SELECT 1 AS g WHERE false', 'SELECT 1')`);
    expect((await awaitWorkflow(fx, none)).status).toBe('completed');
    expect(await items(none)).toEqual([]);
  });

  it('shows the items of a failing MAP while it runs, and its failed items once it failed', async () => {
    await gate.query('SELECT pg_advisory_lock(80, 201)');
    const id = await startWorkflow(fx, `df.map('SELECT g FROM generate_series(200, 203) g', 'SELECT gated($item.g) / ($item.g - 200) AS v', 2)`);
    await waitFor('item 1 to fail while item 2 runs', async () => (await counts(id)).failed === 1);
    expect(brief(await items(id))).toEqual(['1:failed', '2:running', '3:waiting', '4:waiting']);
    await gate.query('SELECT pg_advisory_unlock(80, 201)');
    const done = await awaitWorkflow(fx, id);
    expect(done.error).toBe('MAP: 1 of 4 items failed; first (item 1): division by zero');
    const failedItems = await items(id);
    expect(failedItems.map((r) => [r.item, r.item_row, r.status, r.result, r.in_flight])).toEqual([
      [1, { g: 200 }, 'failed', 'division by zero', null],
    ]);
    expect((await counts(id)).failed_items).toEqual([{ item: 1, row: { g: 200 }, error: 'division by zero' }]);
  });

  it('shows each live run of a MAP inside another MAP’s items with the outer item numbers', async () => {
    // Outer item g maps over 1..g; the inner bodies wait at gate 300 + g * 10 + h, one at a time.
    await gate.query('SELECT pg_advisory_lock(80, g) FROM unnest(ARRAY[311, 321, 322]) g');
    const id = await startWorkflow(
      fx,
      `df.map('SELECT g FROM generate_series(1, 2) g',
              df.map('SELECT h, $item.g AS g FROM generate_series(1, $item.g) h', 'SELECT gated(300 + $item.g * 10 + $item.h) AS v', 1))`,
    );
    // Nodes: 1 the outer MAP, 2 its items, 3 the inner MAP, 4 its items, 5 the inner body.
    await waitFor('both inner runs in flight', async () => (await items(id, 3)).filter((r) => r.status === 'running').length === 2);
    const inner = await items(id, 3);
    expect(brief(inner)).toEqual(['1/1:running', '2/1:running', '2/2:waiting']);
    expect(inner.map((r) => r.item_row)).toEqual([{ h: 1, g: 1 }, { h: 1, g: 2 }, { h: 2, g: 2 }]);
    expect(inner[0].in_flight).toEqual([expect.objectContaining({ node_id: 5, node_type: 'SQL', attempt: 1 })]);
    // An outer item in flight names the step its inner MAP runs.
    const outer = await items(id, 1);
    expect(brief(outer)).toEqual(['1:running', '2:running']);
    expect(outer.map((r) => r.in_flight?.map((s) => s.node_id))).toEqual([[5], [5]]);
    expect(brief(await items(id))).toEqual(['1:running', '2:running', '1/1:running', '2/1:running', '2/2:waiting']);
    expect(brief(await items(id, 3, 1, 1))).toEqual(['2/2:waiting']);

    await gate.query('SELECT pg_advisory_unlock(80, 311)');
    await waitFor('outer item 1 done', async () => (await counts(id)).done === 1);
    expect(brief(await items(id))).toEqual(['1:completed', '2:running', '2/1:running', '2/2:waiting']);
    await gate.query('SELECT pg_advisory_unlock(80, g) FROM unnest(ARRAY[321, 322]) g');
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
    // The inner runs' outcomes are the outer items' results.
    const settled = await items(id);
    expect(brief(settled)).toEqual(['1:completed', '2:completed']);
    expect((settled[1].result as { rows: { status: string }[] }).rows.map((r) => r.status)).toEqual(['completed', 'completed']);
  });
});

describe('the steps in flight of an item', () => {
  it('show the attempt and wake time of a retried step', async () => {
    const id = await startWorkflow(fx, `df.map('SELECT g FROM generate_series(1, 2) g', df.retry('SELECT 1 / 0', 3, 3600, 1, 3600))`);
    await waitFor('both items waiting for their second attempt', async () =>
      (await items(id)).filter((r) => r.in_flight?.[0]?.attempt === 2).length === 2);
    const start = Date.now();
    for (const r of await items(id)) {
      expect(r.status).toBe('running');
      expect(r.in_flight).toHaveLength(1);
      expect(new Date(r.in_flight![0].wake_at).getTime()).toBeGreaterThan(start + 3000_000);
    }
    await fx.user.query('SELECT df.cancel($1)', [id]);
    expect(await items(id)).toEqual([]);
  });

  it('show whether a dispatched step waits for a runner or which runner holds it', async () => {
    const id = await startWorkflow(fx, `df.map('SELECT g FROM generate_series(1, 2) g', df.http('http://127.0.0.1:9/x?i=$item.g', 'GET'))`);
    await waitFor('both requests dispatched', async () =>
      (await items(id)).filter((r) => r.in_flight?.[0]?.dispatch?.state === 'waiting').length === 2);
    const first = await items(id);
    expect(first[0].in_flight).toEqual([
      { node_id: 3, node_type: 'HTTP', attempt: 1, wake_at: 'infinity', dispatch: { state: 'waiting' } },
    ]);
    const leases = (await claim(fx, 'http', 10)).filter((l) => l.instance_id === id);
    expect(leases).toHaveLength(2);
    const leased = await items(id);
    for (const r of leased) {
      expect(r.in_flight![0].dispatch).toEqual({ state: 'leased', runner: 'test-runner', lease_until: expect.any(String) });
    }
    for (const lease of leases) await complete(fx, lease, { result: response(200, `ok ${lease.request.url}`) });
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
    const done = await items(id);
    expect(brief(done)).toEqual(['1:completed', '2:completed']);
    expect(JSON.stringify(done[1].result)).toContain('ok http://127.0.0.1:9/x?i=2');
  });
});
