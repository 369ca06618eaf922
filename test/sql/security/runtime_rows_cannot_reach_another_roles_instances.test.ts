// Class 1 (runtime rows with user-chosen keys). The attacker has usage, so it may write
// into every df table what its grants allow. Keys lead with the owner and every reference
// to an instance or activation carries it, so nothing the attacker writes can occupy,
// confirm, block or join another role's rows; victims' workflows complete exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenant, type Tenants } from '../../support/tenants.js';
import { runWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let t: Tenants;

async function logTable(v: Tenant): Promise<string> {
  const table = `log_${v.role}`;
  await v.value(`CREATE TABLE IF NOT EXISTS public."${table}" (instance text, n int)`);
  return `public."${table}"`;
}

/** The error a statement raises, with the one id in it replaced so two errors compare. */
async function errorOf(c: Tenant, sql: string, params: unknown[], id: string): Promise<string> {
  const e = await (await c.client()).query(sql, params).then(() => null, (err: Error & { detail?: string }) => err);
  expect(e, sql).not.toBeNull();
  return `${e!.message} ${e!.detail ?? ''}`.split(id).join('<id>');
}

/** An activation id the attacker holds no row with (the first test took ids ahead of the sequence). */
async function freeId(): Promise<string> {
  return t.attacker.value<string>(
    `SELECT greatest(nextval('df.activations_id_seq'), (SELECT coalesce(max(id), 0) + 1 FROM df.activations))::text`);
}

beforeAll(async () => {
  t = await tenants('rows');
  for (const v of t.victims) await v.startWorkers(2);
});
afterAll(async () => {
  await t?.close();
});

describe('rows the attacker writes', () => {
  it('cannot choose an instance id', async () => {
    await expect((await t.attacker.client()).query(`INSERT INTO df.instances (id, label) VALUES ('deadbeef', 'x')`))
      .rejects.toThrow(/permission denied/);
  });

  it('cannot occupy the activation ids other roles get next', async () => {
    const atk = await t.attacker.client();
    const own = await t.attacker.value<string>(`SELECT df.start(df.sleep(3600))`);
    const next = BigInt(await t.attacker.value<string>(`SELECT nextval('df.activations_id_seq')::text`));
    await atk.query(
      `INSERT INTO df.activations (id, instance_id, node_id, slot, leaf, wake_at)
       SELECT g, $1, 1, 'root', true, 'infinity' FROM generate_series($2::bigint + 1, $2::bigint + 300) g`,
      [own, next.toString()],
    );
    for (const v of t.victims) {
      const log = await logTable(v);
      const ids = [];
      for (let i = 0; i < 10; i++) {
        ids.push(await v.value<string>(`SELECT df.start('INSERT INTO ${log.replace(/'/g, "''")} VALUES (''{sys_instance_id}'', 1)' ~> 'SELECT 1 AS ok')`));
      }
      for (const id of ids) expect(await v.value(`SELECT df.await_instance($1, 30)`, [id])).toBe('completed');
      const counts = await v.value<string>(`SELECT string_agg(c::text, ',') FROM (SELECT count(*) c FROM ${log} GROUP BY instance) x`);
      expect(counts).toBe(Array(10).fill('1').join(','));
    }
  });

  it('cannot refer to another role\'s instance, and cannot tell it from one that does not exist', async () => {
    const [v] = t.victims;
    const victimId = await v.value<string>(`SELECT df.start(df.wait_for_signal('go', 60) |=> 'sig' ~> 'SELECT $sig.data AS d')`);
    const missing = victimId === 'ffffffff' ? 'fffffffe' : 'ffffffff';
    const attempts: [string, unknown[]][] = [
      [`INSERT INTO df.nodes (instance_id, id, node_type, query) VALUES ($1, 99, 'SQL', 'SELECT 1')`, []],
      [`INSERT INTO df.results (instance_id, name, value) VALUES ($1, 'sig', '{"data":"forged"}')`, []],
      [`INSERT INTO df.signals (instance_id, name, data) VALUES ($1, 'go', '"forged"')`, []],
      [`INSERT INTO df.activations (instance_id, node_id, slot, leaf) VALUES ($1, 1, 'root', true)`, []],
    ];
    for (const [sql] of attempts) {
      const onVictim = await errorOf(t.attacker, sql, [victimId], victimId);
      const onMissing = await errorOf(t.attacker, sql, [missing], missing);
      expect(onVictim).toBe(onMissing);
    }
    await expect(t.attacker.value(`SELECT df.signal($1, 'go', '"forged"')`, [victimId])).rejects.toThrow(
      `Instance not found or access denied: ${victimId}`,
    );
    await v.value(`SELECT df.signal($1, 'go', '"real"')`, [victimId]);
    expect(await v.value(`SELECT df.await_instance($1, 30)`, [victimId])).toBe('completed');
    expect(await v.value(`SELECT df.result($1)`, [victimId])).toBe('{"rows":[{"d":"real"}],"row_count":1}');
  });

  it('cannot reach JOIN branches through guessed activation ids', async () => {
    const [, v] = t.victims;
    const id = await v.value<string>(`SELECT df.start(df.join('SELECT pg_sleep(0.5), 1 AS a', 'SELECT 2 AS b'))`);
    const top = BigInt(await t.attacker.value<string>(`SELECT nextval('df.activations_id_seq')::text`));
    for (let guess = top - 40n; guess < top; guess++) {
      // The attacker's own rows from the test above may hold some of these ids.
      if (await t.attacker.value<number>(`SELECT count(*)::int FROM df.activations WHERE id = $1`, [guess.toString()])) continue;
      await expect((await t.attacker.client()).query(
        `INSERT INTO df.branch_results (activation_id, branch, value) VALUES ($1, 0, '"forged"')`, [guess.toString()],
      )).rejects.toThrow(/foreign key|violates/);
    }
    expect(await v.value(`SELECT df.await_instance($1, 30)`, [id])).toBe('completed');
    expect(await v.value(`SELECT df.result($1)`, [id])).toContain('"a":1');
  });

  it('cannot feed a superuser\'s instance a signal or read its named results', async () => {
    const su = t.monitor;
    await su.query(`SET pg_durable.enable_superuser_instances = on`);
    const { rows } = await su.query(`SELECT df.start(df.wait_for_signal('go', 60) |=> 'secret' ~> 'SELECT 1 AS done') AS id`);
    const suId = rows[0].id as string;
    await expect((await t.attacker.client()).query(
      `INSERT INTO df.signals (instance_id, name, data) VALUES ($1, 'go', '"forged"')`, [suId],
    )).rejects.toThrow(/violates foreign key/);
    await expect((await t.attacker.client()).query(
      `INSERT INTO df.results (instance_id, name, value) VALUES ($1, 'secret', '{}')`, [suId],
    )).rejects.toThrow(/violates foreign key/);
    await su.query(`SELECT df.signal($1, 'go', '"the real one"')`, [suId]);
    await su.query(`CALL df.work(3, 5, 10)`);
    expect((await su.query(`SELECT df.status($1) AS s`, [suId])).rows[0].s).toBe('completed');
    expect(await t.attacker.value(`SELECT count(*)::int FROM df.results`)).toBe(0);
    await su.query(`RESET pg_durable.enable_superuser_instances`);
  });

  it('cannot make monitoring spin: a hand-written cyclic graph is refused quickly', async () => {
    const atk = await t.attacker.client();
    const { rows } = await atk.query(`INSERT INTO df.instances (label) VALUES ('cycle') RETURNING id`);
    const id = rows[0].id as string;
    await atk.query(
      `INSERT INTO df.nodes (instance_id, id, node_type, left_node, right_node, parent_node, query)
       VALUES ($1, 1, 'THEN', 2, 1, NULL, NULL), ($1, 2, 'SQL', NULL, NULL, 1, 'SELECT 1')`,
      [id],
    );
    for (const sql of [`SELECT df.explain($1)`, `SELECT * FROM df.instance_nodes($1)`, `SELECT df.explain($1, 'mermaid')`]) {
      await expect(t.monitor.query(sql, [id])).rejects.toThrow(`instance ${id} has an invalid stored graph`);
    }
  });

  it('cannot make df.instance_items spin: cycles of its own activations and graph end quickly', async () => {
    const atk = await t.attacker.client();
    const { rows } = await atk.query(`INSERT INTO df.instances (label) VALUES ('map cycle') RETURNING id`);
    const id = rows[0].id as string;
    await atk.query(
      `INSERT INTO df.nodes (instance_id, id, node_type, left_node, right_node, parent_node, query)
       VALUES ($1, 1, 'MAP', 2, 3, 3, '{"concurrency":1,"max_failures":0}'), ($1, 2, 'SQL', NULL, NULL, 1, 'SELECT 1'),
              ($1, 3, 'THEN', 1, 2, 1, NULL)`,
      [id],
    );
    // A MAP activation and an item activation that are each other's parent.
    const run = await freeId();
    const item = (BigInt(run) + 1n).toString();
    await atk.query(
      `INSERT INTO df.activations (id, instance_id, node_id, parent_id, slot, leaf, wake_at, memo)
       VALUES ($2, $1, 1, $3, 'root', false, 'infinity', '{"items":1,"next":2}'), ($3, $1, 3, $2, 'item:1', false, 'infinity', '{}')`,
      [id, run, item],
    );
    await atk.query(`INSERT INTO df.map_items (activation_id, item, value) VALUES ($1, 1, '{"g":1}')`, [run]);
    await t.monitor.query(`SET statement_timeout = '20s'`);
    try {
      const live = await t.monitor.query(`SELECT node_id, item, status, in_flight FROM df.instance_items($1)`, [id]);
      expect(live.rows).toEqual([{ node_id: 1, item: 1, status: 'running', in_flight: null }]);
      // Settled, with a cycle of parent nodes in its graph.
      await atk.query(`UPDATE df.activations SET retired = true WHERE instance_id = $1`, [id]);
      await atk.query(`UPDATE df.nodes SET status = 'completed', result = '{"rows":[{"item":{"g":1},"status":"completed","result":1}]}'
                       WHERE instance_id = $1 AND id = 1`, [id]);
      expect((await t.monitor.query(`SELECT * FROM df.instance_items($1)`, [id])).rows).toEqual([]);
    } finally {
      await t.monitor.query(`RESET statement_timeout`);
    }
  });

  it('cannot see a victim\'s MAP items, nor add to what a superuser sees of them', async () => {
    const [v] = t.victims;
    const id = await v.value<string>(`SELECT df.start(df.map('SELECT g FROM generate_series(1, 3) g', df.sleep(3600), 2))`);
    const itemsAs = async (c: { query: (sql: string, p: unknown[]) => Promise<{ rows: unknown[] }> }) =>
      (await c.query(`SELECT node_id, outer_items, item, item_row, status, result, in_flight FROM df.instance_items($1)`, [id])).rows;
    await waitFor('two items in flight', async () =>
      (await itemsAs(await v.client())).filter((r) => (r as { status: string }).status === 'running').length === 2);
    const own = await itemsAs(await v.client());
    expect(own.map((r) => (r as { status: string }).status)).toEqual(['running', 'running', 'waiting']);
    expect(await itemsAs(t.monitor)).toEqual(own);

    const missing = id === 'ffffffff' ? 'fffffffe' : 'ffffffff';
    const sql = `SELECT * FROM df.instance_items($1)`;
    expect(await errorOf(t.attacker, sql, [id], id)).toBe(await errorOf(t.attacker, sql, [missing], missing));
    expect(await errorOf(t.attacker, sql, [id], id)).toMatch(/^Instance not found or access denied: <id>/);
    await expect(t.outsider.value(sql, [id])).rejects.toThrow('permission denied for schema df');

    // Rows of the attacker's own, under the victim's MAP activation id (a lucky guess: ids are
    // sequential): its own activation with that id, items, an outcome, a body in flight.
    const run = (await t.monitor.query(
      `SELECT id::text FROM df.activations WHERE instance_id = $1 AND node_id = 1 AND NOT retired`, [id])).rows[0].id as string;
    const atk = await t.attacker.client();
    const own2 = await t.attacker.value<string>(`SELECT df.start(df.sleep(3600))`);
    // (The attacker may hold that id already: the first test took ids ahead of the sequence.)
    await atk.query(
      `INSERT INTO df.activations (id, instance_id, node_id, slot, leaf, wake_at, memo)
       VALUES ($1, $2, 1, 'root', false, 'infinity', '{"items":9,"next":9}') ON CONFLICT DO NOTHING`, [run, own2]);
    await atk.query(`INSERT INTO df.map_items (activation_id, item, value) SELECT $1, g, '{"forged":true}' FROM generate_series(1, 9) g`, [run]);
    await atk.query(`INSERT INTO df.map_results (activation_id, item, status, result) VALUES ($1, 1, 'completed', '"forged"')`, [run]);
    await atk.query(
      `INSERT INTO df.activations (id, instance_id, node_id, parent_id, slot, leaf, wake_at) VALUES ($3, $1, 1, $2, 'item:3', true, 'infinity')`,
      [own2, run, await freeId()]);
    expect(await itemsAs(t.monitor)).toEqual(own);
    expect(await itemsAs(await v.client())).toEqual(own);
    await v.value(`SELECT df.cancel($1)`, [id]);
  });

  it('never shows up in a victim\'s instance', async () => {
    const [v] = t.victims;
    const done = await runWorkflow(v, `'SELECT 1 AS one' ~> 'SELECT 2 AS two'`);
    const { rows } = await t.monitor.query(`SELECT node_id, status FROM df.instance_nodes($1) ORDER BY node_id`, [done.id]);
    expect(rows).toEqual([{ node_id: 1, status: 'completed' }, { node_id: 2, status: 'completed' }, { node_id: 3, status: 'completed' }]);
  });
});
