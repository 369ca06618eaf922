// Visibility: an ordinary role sees its own lines only (row-level security), a superuser and a
// delegated administrator (usage granted with with_grant => true, as for df.metrics) every
// role that has instances or has run workers. The administrators' view (df._health_all) is
// executable by administrators only, like df.metrics: not by a role calling it directly, and
// not by a SECURITY DEFINER function of an ordinary role that an administrator's session runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { tenants, type Tenants } from '../../support/tenants.js';
import { createLoginRoles, dropRoles } from '../../support/roles.js';
import { urlFor, withClient } from '../../support/server.js';
import { CHECKS, healthOf } from './health.js';

let t: Tenants;
const admin = `pgd_health_admin_${process.pid}`;
const asAdmin = <T>(fn: (c: pg.Client) => Promise<T>) => withClient(urlFor(t.scratch.name, admin), fn);
const rolesOf = (lines: { role: string; check_name: string }[]) => [...new Set(lines.map((l) => l.role))];

beforeAll(async () => {
  t = await tenants('health_roles');
  await createLoginRoles([admin]);
  await t.monitor.query(`SELECT df.grant_usage($1, with_grant => true)`, [admin]);
  const [a, b] = t.victims;
  const ca = await a.client();
  await a.value(`SELECT df.start('SELECT 1')`);
  await ca.query(`CALL df.work(1, 5)`);
  await b.value(`SELECT df.start('SELECT 2')`);
});
afterAll(async () => {
  await t?.close();
  await dropRoles([admin]);
});

describe('df.health', () => {
  it('shows an ordinary role its own lines only', async () => {
    const [a, b] = t.victims;
    for (const tenant of [a, b, t.attacker]) {
      const lines = await healthOf(await tenant.client());
      expect(lines.map((l) => [l.role, l.check_name])).toEqual(CHECKS.map((c) => [tenant.role, c]));
    }
    expect((await healthOf(await b.client()))[0].level).toBe('critical');
    expect((await healthOf(await a.client()))[0].level).toBe('ok');
  });

  it('shows a superuser and a delegated administrator every role with instances or workers', async () => {
    const [a, b] = t.victims;
    const expected = [a.role, b.role].sort();
    const su = await healthOf(t.monitor);
    expect(rolesOf(su)).toEqual(expected);
    expect(su.map((l) => l.check_name)).toEqual([...CHECKS, ...CHECKS]);
    const delegated = await asAdmin(healthOf);
    expect(delegated).toEqual(su);
  });

  it('is refused to a role without usage', async () => {
    await expect(healthOf(await t.outsider.client())).rejects.toThrow('permission denied for schema df');
  });

  it("gives every role's lines only to administrators", async () => {
    const refusal = { code: '42501', message: 'permission denied for function _health_all' };
    const atk = await t.attacker.client();
    await expect(atk.query(`SELECT * FROM df._health_all()`)).rejects.toMatchObject(refusal);
    expect(await asAdmin(async (c) => (await c.query(`SELECT * FROM df._health_all()`)).rows)).toEqual(
      await healthOf(t.monitor),
    );

    // The attacker's SECURITY DEFINER functions, run by the administrator's session: df.health
    // answers for the function's owner, and the administrators' view refuses, whatever
    // language calls it and however the statement is spelled.
    await atk.query(`CREATE FUNCTION public.peek() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
                     AS $$ SELECT h.role FROM df.health() h $$`);
    await atk.query(`CREATE FUNCTION public.peek_all() RETURNS TABLE (a text, b text, c text, d text) LANGUAGE plpgsql SECURITY DEFINER
                     AS $$ BEGIN RETURN QUERY SELECT h.role, h.check_name, h.level, h.detail FROM df._health_all() h; END $$`);
    await atk.query(`CREATE FUNCTION public.peek_js() RETURNS text LANGUAGE plv8 SECURITY DEFINER
                     AS $$ return JSON.stringify(plv8.execute('SELECT h.role, h.check_name, h.level, h.detail FROM df._health_all() h')); $$`);
    await atk.query(`GRANT EXECUTE ON FUNCTION public.peek(), public.peek_all(), public.peek_js() TO PUBLIC`);
    const run = async (c: pg.Client) => {
      const { rows } = await c.query(`SELECT public.peek() AS role`);
      expect(rows.map((r) => r.role)).toEqual(CHECKS.map(() => t.attacker.role));
      await expect(c.query(`SELECT * FROM public.peek_all()`)).rejects.toMatchObject(refusal);
      await expect(c.query(`SELECT public.peek_js()`)).rejects.toMatchObject(refusal);
    };
    await asAdmin(run);
    await run(t.monitor); // the function runs as its owner, which may not execute df._health_all
  });
});
