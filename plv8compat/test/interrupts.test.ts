// Query cancel and statement_timeout stop JavaScript: busy loops, SQL inside plv8, swallowed cancels, nesting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { backendPid, logSince, logSize, one, plv8Scratch, session, sleep, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;
let logStart = 0;

beforeAll(async () => {
  logStart = logSize();
  s = await plv8Scratch('interrupts');
  c = await s.admin();
  await c.query(`create function i_busy() returns int language plv8 as $$ while (true) {} $$`);
  await c.query(`create function i_swallow() returns int language plv8 as $$
    for (;;) { try { plv8.execute('select pg_sleep(10)') } catch (e) {} } $$`);
  await c.query(`create function i_sleep_then_spin() returns int language plv8 as $$
    try { plv8.execute('select pg_sleep(10)') } catch (e) {} while (true) {} $$`);
  await c.query(`create function i_nested() returns int language plv8 as $$
    try { return plv8.execute('select i_busy() as v')[0].v } catch (e) { while (true) {} } $$`);
});
afterAll(async () => {
  await s?.drop();
});

/** Runs `sql` on a fresh session with `setup` first; returns the error and the time it took. */
async function stopped(sql: string, opts: { timeoutMs?: number; cancelAfterMs?: number }) {
  const victim = await session(s);
  try {
    if (opts.timeoutMs) await victim.query(`set statement_timeout = ${opts.timeoutMs}`);
    const pid = await backendPid(victim);
    const started = Date.now();
    const running = sqlError(victim.query(sql));
    if (opts.cancelAfterMs !== undefined) {
      await sleep(opts.cancelAfterMs);
      await c.query('select pg_cancel_backend($1)', [pid]);
    }
    const err = await running;
    const ms = Date.now() - started;
    await victim.query('reset statement_timeout');
    // The session is still usable, JavaScript included.
    expect(await one(victim, `select plv8_version() is not null`)).toBe(true);
    await victim.query(`do $$ plv8.execute('select 1') $$ language plv8`);
    return { err, ms };
  } finally {
    await victim.end();
  }
}

describe('query cancel', () => {
  it('pg_cancel_backend stops a pure JS busy loop', async () => {
    const { err, ms } = await stopped('select i_busy()', { cancelAfterMs: 300 });
    expect(err.message).toBe('canceling statement due to user request');
    expect(err.code).toBe('57014');
    expect(ms).toBeLessThan(5000);
  });

  it('pg_cancel_backend stops SQL running inside plv8.execute even if JS swallows the error', async () => {
    const { err, ms } = await stopped('select i_swallow()', { cancelAfterMs: 300 });
    expect(err.code).toBe('57014');
    expect(ms).toBeLessThan(5000);
  });

  it('pg_cancel_backend stops a DO block', async () => {
    const { err } = await stopped(`do $$ for (;;) {} $$ language plv8`, { cancelAfterMs: 300 });
    expect(err.code).toBe('57014');
  });
});

describe('statement_timeout', () => {
  it('stops a pure JS busy loop', async () => {
    const { err, ms } = await stopped('select i_busy()', { timeoutMs: 300 });
    expect(err.message).toBe('canceling statement due to statement timeout');
    expect(ms).toBeLessThan(5000);
  });

  it('stops SQL inside plv8 and a busy loop after the swallowed error', async () => {
    const { err, ms } = await stopped('select i_sleep_then_spin()', { timeoutMs: 300 });
    expect(err.message).toBe('canceling statement due to statement timeout');
    expect(ms).toBeLessThan(5000);
  });

  it('stops nested plv8 → SQL → plv8 busy loops', async () => {
    const { err, ms } = await stopped('select i_nested()', { timeoutMs: 300 });
    expect(err.code).toBe('57014');
    expect(ms).toBeLessThan(5000);
  });

  it('stops a loop of caught statement errors', async () => {
    const { err } = await stopped(`do $$ for (;;) { try { plv8.execute('select 1/0') } catch (e) {} } $$ language plv8`, { timeoutMs: 300 });
    expect(err.code).toBe('57014');
  });
});

describe('backend termination', () => {
  for (const [what, sql] of [['a busy loop', 'select i_busy()'], ['a nested busy loop', 'select i_nested()']]) {
    it(`pg_terminate_backend ends a session running ${what} cleanly`, async () => {
      const victim = await session(s);
      victim.on('error', () => {}); // the connection is expected to drop
      const pid = await backendPid(victim);
      const running = sqlError(victim.query(sql));
      await sleep(300);
      expect(await one(c, 'select pg_terminate_backend($1)', [pid])).toBe(true);
      const err = await running;
      expect(err.message).toMatch(/terminating connection due to administrator command|Connection terminated/);
      await victim.end().catch(() => {});
      for (let i = 0; i < 50 && (await one<number>(c, 'select count(*)::int from pg_stat_activity where pid = $1', [pid])) > 0; i++) await sleep(100);
      expect(await one(c, 'select count(*)::int from pg_stat_activity where pid = $1', [pid])).toBe(0);
    });
  }
});

it('no backend crashed during these tests', () => {
  expect(logSince(logStart)).not.toMatch(/terminated by signal|PANIC/);
});
