// Class 6 (monitoring that runs user text). df.explain reads DSL text with its own parser:
// literals, df.* builders and the workflow operators only. Text that would start an
// instance, set a variable or call any other function is refused and changes nothing, even
// when a superuser explains it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenants } from '../../support/tenants.js';

let t: Tenants;

beforeAll(async () => {
  t = await tenants('explain');
});
afterAll(async () => {
  await t?.close();
});

describe('df.explain of DSL text', () => {
  it('explains workflows without running a step', async () => {
    const [v] = t.victims;
    const text = `('SELECT pg_sleep(30)' |=> 'slow') ~> df.sleep(5) ~> df.if('SELECT 1', 'SELECT 2', df.break())`;
    const tree = await v.value<string>(`SELECT df.explain($1)`, [text]);
    expect(tree).toContain(`SQL: SELECT pg_sleep(30) |=> 'slow'`);
    expect(tree).toContain('SLEEP 5s');
    expect(await v.value(`SELECT count(*)::int FROM df.instances`)).toBe(0);
  });

  it('refuses text that would do anything, as a role and as a superuser', async () => {
    const [v] = t.victims;
    await t.monitor.query(`CREATE TABLE public.touched (x int)`);
    await t.monitor.query(`GRANT INSERT ON public.touched TO PUBLIC`);
    const attempts = [
      `df.start('SELECT 1')`,
      `df.setvar('x', 'y') ~> 'SELECT 1'`,
      `'SELECT 1' ~> (SELECT 'SELECT 2')`,
      `'SELECT 1' ~> pg_sleep(5)::text`,
      `'a' ~> df.sql((WITH x AS (INSERT INTO public.touched VALUES (1) RETURNING 1) SELECT 'SELECT 1'))`,
      `'SELECT 1' ~> 'SELECT 2'; INSERT INTO public.touched VALUES (1)`,
    ];
    for (const text of attempts) {
      await expect(v.value(`SELECT df.explain($1)`, [text]), text).rejects.toThrow(/Cannot explain input/);
      await expect(t.monitor.query(`SELECT df.explain($1)`, [text]), text).rejects.toThrow(/Cannot explain input/);
    }
    expect(await v.value(`SELECT count(*)::int FROM df.instances`)).toBe(0);
    expect(await v.value(`SELECT count(*)::int FROM df.vars`)).toBe(0);
    expect((await t.monitor.query(`SELECT count(*)::int AS n FROM df.instances`)).rows[0].n).toBe(0);
    expect((await t.monitor.query(`SELECT count(*)::int AS n FROM public.touched`)).rows[0].n).toBe(0);
  });
});
