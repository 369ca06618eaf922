// The README's ingest pipeline (blocks tagged ingest:…), run as written: staged rows are
// deduplicated, transformed and published; two bad rows fail only their own items and stay
// staged; fixed, they go through on the next run, and what was published stays as it was.
// More bad rows than max_failures fail the MAP, and nothing leaves staging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { expectedResult, readmeBlock } from '../support/readme.js';
import { awaitWorkflow } from '../support/workflow.js';

const start = readmeBlock('ingest:start');

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('readme_ingest');
  await fx.startWorkers(2);
  await fx.user.query(readmeBlock('ingest:tables'));
  await fx.user.query(readmeBlock('ingest:stage'));
});
afterAll(async () => fx?.close());

async function run(): Promise<string | null> {
  const done = await awaitWorkflow(fx, await fx.value<string>(start), 60);
  expect(done.status, done.error ?? '').toBe('completed');
  return done.resultText;
}

const orders = async () =>
  (await fx.user.query(`SELECT order_no, customer, amount::text, currency, to_char(ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at,
                               staged_id::int
                        FROM orders ORDER BY order_no`)).rows;
const staged = async () => (await fx.user.query('SELECT id::int, order_no FROM staged_orders ORDER BY id')).rows;

describe('the README ingest pipeline', () => {
  it('publishes each order once, transformed, and lists the two bad rows, which fail only their items', async () => {
    expect(await run()).toBe(expectedResult(start));
    expect(await orders()).toEqual([
      { order_no: 'A-1001', customer: 'Ada Lovelace', amount: '12.75', currency: 'EUR', at: '2024-05-01 09:30', staged_id: 3 },
      { order_no: 'A-1002', customer: 'Alan Turing', amount: '7.00', currency: 'USD', at: '2024-05-01 09:05', staged_id: 2 },
      { order_no: 'A-1005', customer: 'Barbara Liskov', amount: '99.99', currency: 'CHF', at: '2024-05-01 11:00', staged_id: 6 },
    ]);
    expect(await staged()).toEqual([
      { id: 4, order_no: 'A-1003' },
      { id: 5, order_no: 'A-1004' },
    ]);
  });

  it('after the fix, the next run publishes only the fixed rows and empties staging', async () => {
    const before = await orders();
    await fx.user.query(readmeBlock('ingest:fix'));
    expect(await run()).toBe('{"rows":[],"row_count":0}');
    const after = await orders();
    expect(after.filter((r) => !['A-1003', 'A-1004'].includes(r.order_no))).toEqual(before);
    expect(after.filter((r) => ['A-1003', 'A-1004'].includes(r.order_no))).toEqual([
      { order_no: 'A-1003', customer: 'Grace Hopper', amount: '12.00', currency: 'USD', at: '2024-05-01 10:00', staged_id: 4 },
      { order_no: 'A-1004', customer: 'Edsger Dijkstra', amount: '3.20', currency: 'EUR', at: '2024-05-01 10:10', staged_id: 5 },
    ]);
    expect(await staged()).toEqual([]);
  });

  it('with more bad rows than max_failures, the MAP fails and staging keeps every row', async () => {
    await fx.user.query(`INSERT INTO staged_orders (order_no, customer, amount, currency, ordered_at) VALUES
      ('B-1', 'a', 'x', 'EUR', '2024-05-02T09:00:00Z'), ('B-2', 'b', 'y', 'EUR', '2024-05-02T09:00:00Z'),
      ('B-3', 'c', 'z', 'EUR', '2024-05-02T09:00:00Z'), ('B-4', 'd', '1', 'EUR', '2024-05-02T09:00:00Z')`);
    const done = await awaitWorkflow(fx, await fx.value<string>(start), 60);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('MAP: 3 of 4 items failed; first (item 1): invalid input syntax for type numeric: "x"');
    expect((await staged()).map((r) => r.order_no)).toEqual(['B-1', 'B-2', 'B-3', 'B-4']);
  });
});
