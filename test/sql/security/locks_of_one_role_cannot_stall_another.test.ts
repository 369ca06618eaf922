// Class 2 (locks). The engine takes no advisory locks (their keys are global and show in
// pg_locks) and users hold no table-level right that lets them LOCK a shared table; claims
// and instance locks are row locks under row-level security. The attacker and a role without
// usage hold every lock they can get; the victims' workflows still complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tenants, type Tenants } from '../../support/tenants.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let t: Tenants;
const TABLES = ['instances', 'nodes', 'vars', 'activations', 'signals', 'results', 'branch_results'];

beforeAll(async () => {
  t = await tenants('locks');
  for (const v of t.victims) await v.startWorkers(2);
});
afterAll(async () => {
  await t?.close();
});

describe('locks', () => {
  it('no role may LOCK a shared df table beyond what blocks no one', async () => {
    const atk = await t.attacker.client();
    for (const table of TABLES) {
      for (const mode of ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']) {
        await atk.query('BEGIN');
        await expect(atk.query(`LOCK TABLE df.${table} IN ${mode} MODE`), `${table} ${mode}`).rejects.toThrow(/permission denied/);
        await atk.query('ROLLBACK');
      }
    }
  });

  it('another role\'s instance ids never show in pg_locks, and what anyone holds stalls no victim', async () => {
    const atk = await t.attacker.client();
    const out = await t.outsider.client();
    // Everything lockable at once, held until the end: the old advisory key spaces, own rows,
    // and the engine's housekeeping, whose row locks cover other roles' retired rows.
    const own = await t.attacker.value<string>(`SELECT df.start(df.sleep(3600))`);
    await atk.query('BEGIN');
    await atk.query(`SELECT pg_advisory_xact_lock(c, k) FROM unnest('{1886611812,1886611813}'::int[]) c, generate_series(0, 300) k`);
    await atk.query(`SELECT * FROM df.instances FOR UPDATE`);
    await atk.query(`SELECT * FROM df.activations FOR UPDATE`);
    await atk.query(`SELECT df._sweep(), df._fail_orphaned_instances()`);
    await out.query('BEGIN');
    await out.query(`SELECT pg_advisory_xact_lock(k) FROM generate_series(0, 300) k`);

    const seen = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { rows } = await out.query(
          `SELECT locktype, coalesce(classid::text, '') || ':' || coalesce(objid::text, '') || ':' || coalesce(objsubid::text, '') AS k,
                  pid = pg_backend_pid() OR pid IN (SELECT pid FROM pg_stat_activity WHERE usename = $1) AS mine
           FROM pg_locks`,
          [t.attacker.role],
        );
        for (const r of rows as { locktype: string; k: string; mine: boolean }[]) if (!r.mine) seen.add(`${r.locktype} ${r.k}`);
      }
    })();
    try {
      const flows = [
        `'SELECT 1 AS a' ~> 'SELECT 2 AS b'`,
        `df.join('SELECT 1 AS a', 'SELECT 2 AS b')`,
        `df.race(df.sleep(20), 'SELECT 3 AS c')`,
        `('SELECT 0 AS i' |=> 'i') ~> df.loop(('SELECT $i + 1 AS i' |=> 'i') ~> df.if('SELECT $i >= 3', df.break('$i'), 'SELECT 0'))`,
      ];
      const ids: string[] = [];
      for (const v of t.victims) {
        for (const f of flows) {
          const d = await awaitWorkflow(v, await startWorkflow(v, f), 20);
          expect(d.status, `${f}: ${d.error}`).toBe('completed');
          ids.push(d.id);
        }
        const waiting = await v.value<string>(`SELECT df.start(df.wait_for_signal('go', 30))`);
        await v.value(`SELECT df.signal($1, 'go', '{}')`, [waiting]);
        expect(await v.value(`SELECT df.await_instance($1, 20)`, [waiting])).toBe('completed');
        const sleeper = await v.value<string>(`SELECT df.start(df.sleep(60))`);
        expect(await v.value(`SELECT df.cancel($1)`, [sleeper])).toContain('cancelled');
        ids.push(waiting, sleeper);
      }
      watching = false;
      await watch;
      const advisory = [...seen].filter((l) => l.startsWith('advisory'));
      expect(advisory).toEqual([]);
      const keys = ids.map((id) => String(Number.parseInt(id, 16) | 0));
      for (const l of seen) for (const k of keys) expect(l.split(/[ :]/)).not.toContain(k);
    } finally {
      watching = false;
      await watch;
      await atk.query('ROLLBACK');
      await out.query('ROLLBACK');
    }
    expect(await t.attacker.value(`SELECT df.status($1)`, [own])).toBe('running');
  });

  it('rows a role holds of its own settled map items stall no sweep: other roles go on, its rows wait', async () => {
    await t.attacker.startWorkers(1);
    const map = await t.attacker.value<string>(
      `SELECT df.start(df.map('SELECT g FROM generate_series(1, 2) g', ('SELECT $item.g AS x' |=> 'x') ~> df.wait_for_signal('go', 3600), 2))`,
    );
    const itemNames = () => t.monitor.query(
      `SELECT count(*)::int AS n FROM df.item_results r JOIN df.activations a ON a.id = r.activation_id AND a.owner = r.owner
       WHERE a.instance_id = $1`, [map]);
    await waitFor('both items to bind their name', async () => (await itemNames()).rows[0].n === 2);
    const atk = new pg.Client({ connectionString: t.attacker.url });
    await atk.connect();
    await atk.query('BEGIN');
    await atk.query(`SELECT * FROM df.item_results FOR UPDATE`);
    await atk.query(`SELECT * FROM df.dispatches FOR UPDATE`);
    try {
      expect(await t.attacker.value(`SELECT df.cancel($1)`, [map])).toContain('cancelled');
      const retired = `SELECT count(*)::int AS n FROM df.activations WHERE instance_id = $1 AND retired`;
      expect((await t.monitor.query(retired, [map])).rows[0].n).toBeGreaterThan(0);
      // Every worker sweeps as it goes (idle, and every 256 steps): the victims' workers meet
      // the attacker's retired activations, and must pass them by.
      for (const v of t.victims) {
        for (let i = 0; i < 3; i++) {
          const d = await awaitWorkflow(v, await startWorkflow(v, `'SELECT ${i} AS a' ~> 'SELECT 2 AS b'`), 20);
          expect(d.status, d.error ?? '').toBe('completed');
        }
      }
      // A sweep of its own does not wait for the attacker either (the timeout would fail it).
      await t.monitor.query(`SET statement_timeout = '10s'`);
      await t.monitor.query('SELECT df._sweep()');
      await t.monitor.query('RESET statement_timeout');
      expect((await itemNames()).rows[0].n).toBe(2);
    } finally {
      await atk.end();
    }
    await t.monitor.query('SELECT df._sweep()');
    expect((await itemNames()).rows[0].n).toBe(0);
  });

  it('a role without usage cannot touch df at all', async () => {
    const out: pg.Client = await t.outsider.client();
    for (const table of TABLES) {
      await expect(out.query(`SELECT 1 FROM df.${table} LIMIT 1`)).rejects.toThrow(/permission denied/);
    }
    await expect(out.query(`SELECT df._sweep()`)).rejects.toThrow(/permission denied/);
  });
});
