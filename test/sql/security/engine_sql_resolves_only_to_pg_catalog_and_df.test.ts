// Class 3 (name resolution). The attacker fills the world-writable `public` with traps: a
// function for every pg_catalog function, an operator for every pg_catalog operator, a few
// aggregates and composite types named like the built-in ones (support/public-traps.ts). The
// victims and the superuser monitor put `public` BEFORE pg_catalog on their search_path, so
// every unqualified name the engine, the API or monitoring used would reach a trap (which
// raises). Everything must work as if the traps were not there, and the attacker must stay an
// ordinary role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenants } from '../../support/tenants.js';
import { runWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';
import { plantPublicTraps, putPublicFirst } from '../../support/public-traps.js';

let t: Tenants;

beforeAll(async () => {
  t = await tenants('paths');
  await plantPublicTraps(await t.attacker.client());
  await putPublicFirst(t.monitor, t.victims.map((v) => v.role));
  for (const v of t.victims) await v.startWorkers(2);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe('planted objects in public', () => {
  it('are there: an unqualified name in a public-first session reaches a trap', async () => {
    await expect(t.monitor.query(`SELECT pg_catalog.length(lower('X'))`)).rejects.toThrow('pg_durable trap: public.lower');
    await expect(t.monitor.query(`SELECT 1 + 1`)).rejects.toThrow('pg_durable trap');
    await expect(t.monitor.query(`SELECT 'a'::text`)).rejects.toThrow(/malformed record literal/);
  });

  it('never reach the engine: every node kind runs for both victims', async () => {
    const flows = [
      [`'SELECT 6 AS answer'`, '{"rows":[{"answer":6}],"row_count":1}'],
      [`('SELECT 20 AS half' |=> 'h') ~> 'SELECT pg_catalog.int4pl($h, $h) AS whole'`, '{"rows":[{"whole":40}],"row_count":1}'],
      [`('SELECT 1 AS x' ?> 'SELECT ''yes'' AS a' !> 'SELECT ''no'' AS a')`, '{"rows":[{"a":"yes"}],"row_count":1}'],
      [`df.join3('SELECT 1 AS a', 'SELECT 2 AS b', 'SELECT 3 AS c')`, '[{"rows":[{"a":1}],"row_count":1},{"rows":[{"b":2}],"row_count":1},{"rows":[{"c":3}],"row_count":1}]'],
      [`df.race(df.sleep(30), 'SELECT ''fast'' AS w')`, '{"rows":[{"w":"fast"}],"row_count":1}'],
      [`('SELECT 0 AS i' |=> 'i') ~> df.loop(('SELECT pg_catalog.int4pl($i, 1) AS i' |=> 'i') ~> df.if('SELECT pg_catalog.int4ge($i, 3)', df.break('$i'), 'SELECT 0'))`, '3'],
      [`df.sleep(1) ~> 'SELECT ''woke'' AS s'`, '{"rows":[{"s":"woke"}],"row_count":1}'],
      [`('SELECT 7 AS n' |=> 'batch') ~> 'SELECT pg_catalog.array_length(ARRAY(SELECT pg_catalog.unnest(ARRAY[1])), 1) AS k FROM $batch.*'`, '{"rows":[{"k":1}],"row_count":1}'],
    ];
    for (const v of t.victims) {
      for (const [expr, result] of flows) {
        const d = await runWorkflow(v, expr);
        expect(d.error, expr).toBeNull();
        expect(d.status).toBe('completed');
        expect(d.resultText).toBe(result);
      }
    }
  });

  it('never reach retries, signals, variables and cancel', async () => {
    const [v] = t.victims;
    const failing = await runWorkflow(v, `df.retry('SELECT pg_catalog.int4div(1, 0)', 2, 0.1)`);
    expect(failing.status).toBe('failed');
    expect(failing.error).toContain('division by zero');

    await v.value(`SELECT df.setvar('who', '''victim''')`);
    expect(await v.value(`SELECT df.getvar('who')`)).toBe(`'victim'`);
    const id = await v.value<string>(`SELECT df.start(df.wait_for_signal('go', 30) ~> 'SELECT {who} AS who')`);
    await v.value(`SELECT df.signal($1, 'go', '{"n":1}')`, [id]);
    expect(await v.value(`SELECT df.await_instance($1, 30)`, [id])).toBe('completed');
    expect(await v.value(`SELECT df.result($1)`, [id])).toBe('{"rows":[{"who":"victim"}],"row_count":1}');

    const sleeper = await v.value<string>(`SELECT df.start(df.sleep(60))`);
    const { rows } = await t.monitor.query(`SELECT df.cancel($1, 'stop') AS c`, [sleeper]);
    expect(rows[0].c).toBe(`Instance ${sleeper} cancelled: stop`);
    await t.monitor.query(`SELECT df.signal($1, 'late', 'x')`, [sleeper]);
  });

  it('never reach monitoring run by a superuser', async () => {
    const [v] = t.victims;
    const done = await runWorkflow(v, `('SELECT 1 AS one' |=> 'one') ~> 'SELECT $one AS again'`);
    const m = t.monitor;
    expect((await m.query(`SELECT df.status($1) AS s`, [done.id])).rows[0].s).toBe('completed');
    expect((await m.query(`SELECT df.result($1) AS r`, [done.id])).rows[0].r).toBe(done.resultText);
    expect((await m.query(`SELECT df.error($1) AS e`, [done.id])).rows[0].e).toBeNull();
    expect((await m.query(`SELECT df.await_instance($1, 5) AS s`, [done.id])).rows[0].s).toBe('completed');
    expect((await m.query(`SELECT df.explain($1) AS e`, [done.id])).rows[0].e).toContain('SQL: SELECT $one AS again');
    expect((await m.query(`SELECT df.explain($1, 'mermaid') AS e`, [done.id])).rows[0].e).toContain('flowchart');
    expect((await m.query(`SELECT * FROM df.instance_nodes($1)`, [done.id])).rows.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect((await m.query(`SELECT * FROM df.instance_info($1)`, [done.id])).rows[0].status).toBe('completed');
    expect((await m.query(`SELECT * FROM df.instance_executions($1)`, [done.id])).rows[0].status).toBe('completed');
    expect((await m.query(`SELECT * FROM df.list_instances()`)).rows.length).toBeGreaterThan(0);
    expect((await m.query(`SELECT * FROM df.list_instances(NULL, 2, NULL, NULL)`)).rows.length).toBe(2);
    expect((await m.query(`SELECT * FROM df.metrics()`)).rows[0].total_instances).not.toBe('0');
  });

  it('never reach df.instance_items, for the owner or a superuser, while a MAP runs and once it completed', async () => {
    const [v] = t.victims;
    const m = t.monitor;
    const running = await v.value<string>(`SELECT df.start(df.map('SELECT pg_catalog.generate_series(1, 3) AS g', df.sleep(3600), 2))`);
    const statuses = (rows: { status: string }[]) => rows.map((r) => r.status).join(',');
    await waitFor('two items in flight', async () =>
      statuses((await (await v.client()).query(`SELECT * FROM df.instance_items($1)`, [running])).rows) === 'running,running,waiting');
    const { rows } = await m.query(`SELECT * FROM df.instance_items($1, 1, 1, 5)`, [running]);
    expect(rows.map((r) => [r.item, r.status, r.in_flight?.[0]?.node_type ?? null])).toEqual([[2, 'running', 'SLEEP'], [3, 'waiting', null]]);
    await v.value(`SELECT df.cancel($1)`, [running]);

    const done = await runWorkflow(v, `df.map('SELECT pg_catalog.generate_series(1, 2) AS g', 'SELECT $item.g AS g')`);
    expect(done.status).toBe('completed');
    const settled = await m.query(`SELECT item, status, result FROM df.instance_items($1)`, [done.id]);
    expect(settled.rows).toEqual([1, 2].map((g) => ({ item: g, status: 'completed', result: { rows: [{ g }], row_count: 1 } })));
    await expect(m.query(`SELECT * FROM df.instance_items($1, 2)`, [done.id])).rejects.toThrow('is a SQL node, not a MAP');
  });

  it('never reach a retried sequence or a failing MAP, whose failed items stay visible', async () => {
    const [v] = t.victims;
    await (await v.client()).query('CREATE SEQUENCE IF NOT EXISTS tries');
    const retried = await runWorkflow(
      v, `df.retry('SELECT 1 AS a' ~> 'SELECT pg_catalog.int4div(1, (pg_catalog.nextval(''tries'') OPERATOR(pg_catalog.>) 1)::int) AS b', 2, 0)`,
    );
    expect(retried.result).toEqual({ rows: [{ b: 1 }], row_count: 1 });

    const failed = await runWorkflow(v, `df.map('SELECT pg_catalog.generate_series(0, 2) AS g', 'SELECT pg_catalog.int4div(1, $item.g) AS v', 1)`);
    expect(failed.error).toBe('MAP: 1 of 3 items failed; first (item 1): division by zero');
    const { rows } = await t.monitor.query(`SELECT item, item_row, status, result FROM df.instance_items($1)`, [failed.id]);
    expect(rows).toEqual([{ item: 1, item_row: { g: 0 }, status: 'failed', result: 'division by zero' }]);
  });

  it('leave the attacker an ordinary role', async () => {
    const { rows } = await t.monitor.query(`SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) $1`, [t.attacker.role]);
    expect(rows[0].rolsuper).toBe(false);
  });
});
