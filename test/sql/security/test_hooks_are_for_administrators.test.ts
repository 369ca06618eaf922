// Class 7 (test and tuning hooks). The fake clock, loop pacing and the list cap are read
// only from what an administrator set for the database; a role's own SET, ALTER ROLE or a
// step that changes them has no effect on how its workflows run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenants } from '../../support/tenants.js';
import { ident } from '../../support/roles.js';

let t: Tenants;

beforeAll(async () => {
  t = await tenants('hooks');
});
afterAll(async () => {
  await t?.close();
});


describe('hooks', () => {
  it('a role cannot fast-forward its timers: its own fake clock is ignored', async () => {
    const [v] = t.victims;
    const c = await v.client();
    await c.query(`ALTER ROLE CURRENT_USER SET pg_durable.fake_now_offset = '7200'`).catch(() => undefined);
    await c.query(`SET pg_durable.fake_now_offset = '7200'`);
    const stepSets = await v.value<string>(`SELECT df.start('SET pg_durable.fake_now_offset = ''7200''')`);
    await c.query(`CALL df.work(1, 5)`);
    expect(await v.value(`SELECT df.status($1)`, [stepSets])).toBe('completed');
    const id = await v.value<string>(`SELECT df.start(df.sleep(3600))`);
    await c.query(`CALL df.work(1, 5)`);
    expect(await v.value(`SELECT df.status($1)`, [id])).not.toBe('completed');

    // The same hook set by an administrator for the database does move the clock.
    await t.monitor.query(`ALTER DATABASE ${ident(t.scratch.name)} SET pg_durable.fake_now_offset = '7200'`);
    try {
      await c.query(`CALL df.work(1, 5)`);
      expect(await v.value(`SELECT df.status($1)`, [id])).toBe('completed');
    } finally {
      await t.monitor.query(`ALTER DATABASE ${ident(t.scratch.name)} RESET pg_durable.fake_now_offset`);
      await c.query(`RESET pg_durable.fake_now_offset`);
    }
  });

  it('a role cannot make its loops spin faster than the administrator allows', async () => {
    const [, v] = t.victims;
    await t.monitor.query(`ALTER DATABASE ${ident(t.scratch.name)} SET pg_durable.loop_min_interval = '1'`);
    const c = await v.client();
    await c.query(`CREATE TABLE public.ticks (at timestamptz)`);
    await c.query(`SET pg_durable.loop_min_interval = '0'`);
    const id = await v.value<string>(`SELECT df.start(
      ('SELECT 0 AS i' |=> 'i') ~> df.loop(
        ('INSERT INTO public.ticks VALUES (clock_timestamp()) RETURNING $i + 1 AS i' |=> 'i')
        ~> df.if('SELECT $i >= 3', df.break('$i'), 'SELECT 0')))`);
    for (let i = 0; i < 8 && (await v.value(`SELECT df.status($1)`, [id])) !== 'completed'; i++) await c.query(`CALL df.work(1, 5)`);
    expect(await v.value(`SELECT df.status($1)`, [id])).toBe('completed');
    const gaps = await v.value<number[]>(
      `SELECT array_agg(extract(epoch FROM d)::float8) FROM (SELECT at - lag(at) OVER (ORDER BY at) AS d FROM public.ticks) x WHERE d IS NOT NULL`,
    );
    expect(gaps).toHaveLength(2);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(0.95);
    await t.monitor.query(`ALTER DATABASE ${ident(t.scratch.name)} SET pg_durable.loop_min_interval = '0'`);
  });

  it('a role cannot lift the list cap for itself', async () => {
    const atk = await t.attacker.client();
    for (let i = 0; i < 5; i++) await t.attacker.value(`SELECT df.start('SELECT 1')`);
    await t.monitor.query(`ALTER DATABASE ${ident(t.scratch.name)} SET pg_durable.list_instances_max_limit = '3'`);
    try {
      await atk.query(`SET pg_durable.list_instances_max_limit = '100'`);
      await expect(atk.query(`SELECT * FROM df.list_instances(NULL, 100)`)).rejects.toThrow(
        'limit_count 100 exceeds pg_durable.list_instances_max_limit (3)',
      );
    } finally {
      await t.monitor.query(`ALTER DATABASE ${ident(t.scratch.name)} RESET pg_durable.list_instances_max_limit`);
    }
  });
});
