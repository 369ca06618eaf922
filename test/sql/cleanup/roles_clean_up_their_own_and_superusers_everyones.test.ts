// Whose instances a cleanup removes. Users hold no DELETE right on df tables, so removal goes
// through SECURITY DEFINER functions: an ordinary role's df.cleanup removes only its own
// terminal instances, whatever it passes or calls; a superuser's every role's (dropped roles'
// too); a delegated administrator's its own and everyone's by the administrator's policy only.
// The policy is the administrator's: a role's own SET or ALTER ROLE changes nothing. Locks a
// role holds on its own rows (map items' names included) stall no one's cleanup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tenants, type Tenant, type Tenants } from '../../support/tenants.js';
import { createLoginRoles, dropRoles, ident } from '../../support/roles.js';
import { runWorkflow } from '../../support/workflow.js';
import { age, orphanRows, remaining } from './rows.js';
import { waitFor } from '../../support/slow-step.js';

let t: Tenants;
let su: pg.Client;
let va: Tenant;
let vb: Tenant;
let atk: Tenant;
const dropped = `pgd_cl_dropped_${process.pid}`;
const delegated = `pgd_cl_deleg_${process.pid}`;
let admin: Tenant;

beforeAll(async () => {
  t = await tenants('cleanup_roles');
  su = t.monitor;
  [va, vb] = t.victims;
  atk = t.attacker;
  await createLoginRoles([dropped, delegated]);
  await su.query(`SELECT df.grant_usage($1, with_grant => true)`, [delegated]);
  admin = t.tenant(delegated);
  for (const r of [va, vb, atk, admin]) await r.startWorkers(1);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await dropRoles([dropped, delegated]);
});

/** n completed instances of the role, made `interval` old. */
async function finished(r: Tenant, n: number, interval: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = await runWorkflow(r, `('SELECT ${i} AS i' |=> 'i') ~> 'SELECT $i AS again'`);
    expect(d.status).toBe('completed');
    ids.push(d.id);
  }
  await age(su, ids, interval);
  return ids;
}

const cleanup = async (r: Tenant, arg = '') => Number(await r.value(`SELECT df.cleanup(${arg})`));
const sorted = (ids: string[]) => [...ids].sort();

describe('whose instances go', () => {
  it('an ordinary role removes only its own, whatever it passes or calls', async () => {
    const aOld = await finished(va, 2, '1 year');
    const bOld = await finished(vb, 2, '1 year');
    const atkOld = await finished(atk, 2, '1 year');
    const atkYoung = await finished(atk, 1, '1 minute');

    expect(await cleanup(atk, `'0 seconds'`)).toBe(3);
    expect(await remaining(su, [...atkOld, ...atkYoung])).toEqual([]);
    expect(await remaining(su, [...aOld, ...bOld])).toEqual(sorted([...aOld, ...bOld]));

    // The internal steps refuse another role's instances, or are not the attacker's to call.
    const c = await atk.client();
    const scoped = await c.query(`SELECT * FROM df._cleanup_scoped($1::regrole, '0 seconds')`, [va.role]).catch((e) => e);
    expect(scoped.code).toBe('42501');
    expect(scoped.message).toBe(`role ${atk.role} may only clean up its own instances`);
    expect(scoped.hint).toContain('SELECT df.cleanup();');
    await expect(c.query(`SELECT * FROM df._cleanup_batch($1::regrole, '0 seconds')`, [va.role])).rejects.toThrow(
      'may only clean up its own instances',
    );
    for (const sql of [
      `SELECT * FROM df._cleanup_instances('${va.role}'::regrole, '0 seconds')`,
      `SELECT df.schedule_cleanup()`,
      `SELECT df.unschedule_cleanup()`,
    ]) {
      const err = await c.query(sql).catch((e) => e);
      expect(err.message, sql).toMatch(/^permission denied for function/);
    }
    await c.query(`CALL df.run_cleanup('0 seconds')`);
    const out = await t.outsider.client();
    await expect(out.query(`SELECT df.cleanup('0 seconds')`)).rejects.toThrow('permission denied for schema df');
    expect(await remaining(su, [...aOld, ...bOld])).toEqual(sorted([...aOld, ...bOld]));
  });

  it('a superuser removes every role’s, dropped roles’ included; without an argument by the policy', async () => {
    await createLoginRoles([dropped]);
    await su.query(`SELECT df.grant_usage($1)`, [dropped]);
    const gone = t.tenant(dropped);
    const pool = await gone.startWorkers(1);
    const droppedOld = (await runWorkflow(gone, `'SELECT 1'`)).id;
    await age(su, [droppedOld], '1 year');
    await pool.stop();
    await (await gone.client()).end();
    await su.query(`SELECT df.revoke_usage($1)`, [dropped]);
    await dropRoles([dropped]);

    const aYoung = await finished(va, 1, '1 day');
    const bOld = await finished(vb, 1, '1 year');
    const before = await remaining(su, [droppedOld, ...aYoung, ...bOld]);
    expect(before).toHaveLength(3);
    expect(Number((await su.query(`SELECT df.cleanup() AS n`)).rows[0].n)).toBeGreaterThanOrEqual(2);
    expect(await remaining(su, [droppedOld, ...aYoung, ...bOld])).toEqual(aYoung);
    expect(Number((await su.query(`SELECT df.cleanup('0 seconds') AS n`)).rows[0].n)).toBeGreaterThanOrEqual(1);
    expect(await remaining(su, aYoung)).toEqual([]);
    expect(await orphanRows(su)).toBe(0);
  });

  it('a delegated administrator removes its own as it asks and everyone’s by the policy only', async () => {
    const mineOld = await finished(admin, 1, '1 year');
    const mineYoung = await finished(admin, 1, '1 day');
    const aOld = await finished(va, 1, '1 year');
    const aYoung = await finished(va, 1, '1 day');
    expect(await cleanup(admin, `'0 seconds'`)).toBe(3);
    expect(await remaining(su, [...mineOld, ...mineYoung, ...aOld, ...aYoung])).toEqual(aYoung);
    // Through the internal step too: another role's young instance is not its to remove.
    const c = await admin.client();
    const { rows } = await c.query(`SELECT removed FROM df._cleanup_scoped($1::regrole, '0 seconds')`, [va.role]);
    expect(Number(rows[0].removed)).toBe(0);
    expect(await remaining(su, aYoung)).toEqual(aYoung);
  });

  it('a superuser calling another role’s SECURITY DEFINER function lends it nothing', async () => {
    const aYoung = await finished(va, 1, '1 day');
    const c = await atk.client();
    await c.query(`CREATE FUNCTION public.tidy() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$ SELECT df.cleanup('0 seconds') $$`);
    await c.query(`CREATE PROCEDURE public.tidy_all() LANGUAGE sql SECURITY DEFINER AS $$ CALL df.run_cleanup('0 seconds') $$`).catch(() => undefined);
    await su.query(`SELECT public.tidy()`);
    await su.query(`SELECT * FROM df._cleanup_scoped($1::regrole, '0 seconds')`, [va.role]); // the superuser itself, through the usage path: the policy
    expect(await remaining(su, aYoung)).toEqual(aYoung);
    await su.query(`DROP FUNCTION public.tidy(); DROP PROCEDURE IF EXISTS public.tidy_all()`);
  });
});

describe('the policy is the administrator’s', () => {
  it('a role’s own SET or ALTER ROLE changes neither its own cleanup nor a superuser’s', async () => {
    const atkYoung = await finished(atk, 2, '1 hour');
    const aYoung = await finished(va, 2, '1 hour');
    const c = await atk.client();
    for (const [name, value] of [
      ['retention_period', '1 second'],
      ['retention_max_instances', '1'],
    ]) {
      await c.query(`ALTER ROLE CURRENT_USER SET pg_durable.${name} = '${value}'`).catch(() => undefined);
      await c.query(`SET pg_durable.${name} = '${value}'`);
    }
    try {
      expect(await cleanup(atk)).toBe(0);
      expect(Number((await su.query(`SELECT df.cleanup() AS n`)).rows[0].n)).toBe(0);
      const steps = await runWorkflow(atk, `'SET pg_durable.retention_period = ''1 second''' ~> 'SELECT df.cleanup()'`);
      expect(steps.result).toEqual({ rows: [{ cleanup: 0 }], row_count: 1 });
      expect(await remaining(su, [...atkYoung, ...aYoung])).toEqual(sorted([...atkYoung, ...aYoung]));
    } finally {
      await su.query(`ALTER ROLE ${ident(atk.role)} RESET ALL`);
    }
    // The same settings made by an administrator for the database do apply.
    await su.query(`ALTER DATABASE ${ident(t.scratch.name)} SET pg_durable.retention_period = '30 minutes'`);
    try {
      expect(Number((await su.query(`SELECT df.cleanup() AS n`)).rows[0].n)).toBeGreaterThanOrEqual(4);
      expect(await remaining(su, [...atkYoung, ...aYoung])).toEqual([]);
    } finally {
      await su.query(`ALTER DATABASE ${ident(t.scratch.name)} RESET pg_durable.retention_period`);
    }
  });
});

describe('locks', () => {
  it('a role holding locks on its own rows stalls no cleanup: its instances wait for a later run', async () => {
    const [heldNode, heldKey, heldInsert] = await finished(atk, 3, '1 year');
    const aOld = await finished(va, 2, '1 year');
    const c = await atk.client();
    await c.query('BEGIN');
    await c.query(`SELECT 1 FROM df.nodes WHERE instance_id = $1 FOR UPDATE`, [heldNode]);
    await c.query(`SELECT 1 FROM df.instances WHERE id = $1 FOR KEY SHARE`, [heldKey]);
    await c.query(`INSERT INTO df.results (instance_id, name, value) VALUES ($1, 'late', '1')`, [heldInsert]);
    try {
      await su.query(`SET statement_timeout = '10s'`);
      expect(Number((await su.query(`SELECT df.cleanup() AS n`)).rows[0].n)).toBeGreaterThanOrEqual(2);
      await su.query(`CALL df.run_cleanup()`);
      expect(await remaining(su, [heldNode, heldKey, heldInsert, ...aOld])).toEqual(sorted([heldNode, heldKey, heldInsert]));
    } finally {
      await su.query(`RESET statement_timeout`);
      await c.query('ROLLBACK');
    }
    expect(Number((await su.query(`SELECT df.cleanup() AS n`)).rows[0].n)).toBeGreaterThanOrEqual(3);
    expect(await remaining(su, [heldNode, heldKey, heldInsert])).toEqual([]);
    expect(await orphanRows(su)).toBe(0);
  });

  it('rows a role holds of a cancelled map\'s items stall no cleanup: the instance waits for a later run', async () => {
    const map = await atk.value<string>(
      `SELECT df.start(df.map('SELECT g FROM generate_series(1, 2) g', ('SELECT $item.g AS x' |=> 'x') ~> df.wait_for_signal('go', 3600), 2))`,
    );
    const itemNames = async () => Number((await su.query(
      `SELECT count(*) AS n FROM df.item_results r JOIN df.activations a ON a.id = r.activation_id AND a.owner = r.owner
       WHERE a.instance_id = $1`, [map])).rows[0].n);
    await waitFor('both items to bind their name', async () => (await itemNames()) === 2);
    const holder = new pg.Client({ connectionString: atk.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM df.item_results FOR UPDATE`);
      expect(await atk.value(`SELECT df.cancel($1)`, [map])).toContain('cancelled');
      await age(su, [map], '1 year');
      await su.query(`SET statement_timeout = '10s'`);
      await su.query(`SELECT df.cleanup()`);
      expect(await remaining(su, [map])).toEqual([map]);
    } finally {
      await su.query(`RESET statement_timeout`);
      await holder.end();
    }
    await su.query(`SELECT df.cleanup()`);
    expect(await remaining(su, [map])).toEqual([]);
    expect(await orphanRows(su)).toBe(0);
  });
});
