// Query cancel, statement_timeout and backend termination. As on real plv8, a cancel raised by
// SQL inside plv8 (SQLSTATE 57014) is an ordinary exception JavaScript may catch and carry on
// after; uncaught, it is reported with its own SQLSTATE. FATAL interrupts end the backend
// anyway. Only the compatible runtime also stops pure JavaScript (its watchdog): those tests
// are skipped on a real plv8, where such a backend would hang for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import {
  backendPid, compatIt, logSince, logSize, one, plv8Scratch, session, sleep, sqlError, type Scratch,
} from './helpers.js';

let s: Scratch;
let c: pg.Client;
let logStart = 0;

beforeAll(async () => {
  logStart = logSize();
  s = await plv8Scratch('interrupts');
  c = await s.admin();
  await c.query('create table i_log (tag text, code text, msg text, is_error bool, at timestamptz default clock_timestamp())');
  // Catches the cancel of a long statement, carries on (more SQL, a commit) and records it all.
  await c.query(`create procedure i_proc_sleep(tag text) language plv8 as $$
    plv8.execute('insert into i_log (tag, code) values ($1, $2)', [tag, 'before']);
    try {
      plv8.execute('select pg_sleep(10)');
      plv8.execute('insert into i_log (tag, code) values ($1, $2)', [tag, 'not cancelled']);
    } catch (e) {
      plv8.execute('insert into i_log values ($1, $2, $3, $4)', [tag, e.sqlerrcode, e.message, e instanceof Error]);
    }
    plv8.commit();
    plv8.execute('select pg_sleep(0.4)');  // longer than the timeout: it fired once, it is spent
    plv8.execute('insert into i_log (tag, code) values ($1, $2)', [tag, 'after']);
    plv8.commit() $$`);
  await c.query(`create function i_plan_sleep() returns text language plv8 as $$
    var p = plv8.prepare('select pg_sleep($1)', ['float8']);
    try { p.execute([10]); return 'not cancelled' } catch (e) { return e.sqlerrcode + ' ' + e.message } finally { p.free() } $$`);
  await c.query(`create function i_sub_sleep(tag text) returns jsonb language plv8 as $$
    try {
      plv8.subtransaction(function () {
        plv8.execute('insert into i_log (tag, code) values ($1, $2)', [tag, 'in subtransaction']);
        plv8.execute('select pg_sleep(10)');
      });
      return 'not cancelled';
    } catch (e) {
      return {name: e.name, message: e.message, sqlerrcode: e.sqlerrcode, code: e.code};
    } $$`);
  await c.query(`create function i_uncaught() returns int language plv8 as $$ plv8.execute('select pg_sleep(10)') $$`);
  await c.query(`create function i_rethrow() returns int language plv8 as $$
    try { plv8.execute('select pg_sleep(10)') } catch (e) { throw e } $$`);
  // JavaScript that keeps working for a moment after the cancel arrived, then calls SQL.
  await c.query(`create function i_spin_then_sql(ms int) returns text language plv8 as $$
    var t = Date.now(); while (Date.now() - t < ms) {}
    try { plv8.execute('select pg_sleep(5)'); return 'not cancelled' } catch (e) { return e.sqlerrcode } $$`);
  await c.query(`create function i_swallow_all() returns int language plv8 as $$
    for (;;) { try { plv8.execute('select pg_sleep(10)') } catch (e) {} } $$`);
  await c.query(`create function i_busy() returns int language plv8 as $$ while (true) {} $$`);
  await c.query(`create function i_nested() returns text language plv8 as $$
    try { return plv8.execute('select i_busy() as v')[0].v } catch (e) { return e.sqlerrcode + ' ' + e.message } $$`);
});
afterAll(async () => {
  await s?.drop();
});

/**
 * Runs `sql` on a fresh session, stopped by a statement_timeout or a pg_cancel_backend after
 * some time; gives the result (or the error) and the time it took. Checks that the session is
 * still usable afterwards, JavaScript included.
 */
async function interrupted(sql: string, opts: { timeoutMs?: number; cancelAfterMs?: number }) {
  const victim = await session(s);
  try {
    if (opts.timeoutMs) await victim.query(`set statement_timeout = ${opts.timeoutMs}`);
    const pid = await backendPid(victim);
    const started = Date.now();
    const running = victim.query(sql).then(
      (r) => ({ rows: r.rows as Record<string, unknown>[], err: undefined }),
      (e: Error & { code?: string }) => ({ rows: undefined, err: e }),
    );
    if (opts.cancelAfterMs !== undefined) {
      await sleep(opts.cancelAfterMs);
      await c.query('select pg_cancel_backend($1)', [pid]);
    }
    const out = await running;
    const ms = Date.now() - started;
    await victim.query('reset statement_timeout');
    expect(await one(victim, `select plv8_version() is not null`)).toBe(true);
    await victim.query(`do $$ plv8.execute('select 1') $$ language plv8`);
    return { ...out, ms };
  } finally {
    await victim.end();
  }
}

const logOf = async (tag: string) =>
  (await c.query('select code, msg, is_error from i_log where tag = $1 order by at', [tag])).rows;

describe('a cancel raised by SQL inside plv8 is a catchable exception, as on real plv8', () => {
  for (const [how, opts, message] of [
    ['statement_timeout', { timeoutMs: 300 }, 'canceling statement due to statement timeout'],
    ['pg_cancel_backend', { cancelAfterMs: 300 }, 'canceling statement due to user request'],
  ] as const) {
    it(`${how} inside plv8.execute in a procedure: JS catches 57014, the CALL goes on and commits`, async () => {
      const { err, ms } = await interrupted(`call i_proc_sleep('${how}')`, opts);
      expect(err).toBeUndefined();
      expect(ms).toBeLessThan(5000);
      expect(await logOf(how)).toEqual([
        { code: 'before', msg: null, is_error: null },
        { code: '57014', msg: message, is_error: true },
        { code: 'after', msg: null, is_error: null },
      ]);
    });
  }

  it('statement_timeout inside a prepared plan.execute is catchable too', async () => {
    const { rows, err } = await interrupted('select i_plan_sleep() as v', { timeoutMs: 300 });
    expect(err).toBeUndefined();
    expect(rows).toEqual([{ v: '57014 canceling statement due to statement timeout' }]);
  });

  it('inside plv8.subtransaction it is rolled back and rethrown as a new Error without sqlerrcode', async () => {
    const { rows, err } = await interrupted(`select i_sub_sleep('sub') as v`, { timeoutMs: 300 });
    expect(err).toBeUndefined();
    expect(rows).toEqual([{ v: { name: 'Error', message: 'canceling statement due to statement timeout' } }]);
    expect(await logOf('sub')).toEqual([]);
  });

  for (const [what, sql] of [['uncaught', 'select i_uncaught()'], ['rethrown unchanged', 'select i_rethrow()']]) {
    it(`${what}, it ends the statement with its own SQLSTATE and message`, async () => {
      const t = await interrupted(sql, { timeoutMs: 300 });
      expect([t.err?.code, t.err?.message]).toEqual(['57014', 'canceling statement due to statement timeout']);
      const u = await interrupted(sql, { cancelAfterMs: 300 });
      expect([u.err?.code, u.err?.message]).toEqual(['57014', 'canceling statement due to user request']);
    });
  }

  it('a cancel that arrives while JavaScript runs is raised, catchable, by its next SQL call', async () => {
    // 200 ms of pure JavaScript after the cancel: real plv8 never acts on it there; the
    // compatible runtime's watchdog waits longer than that before it would.
    const { rows, err } = await interrupted('select i_spin_then_sql(400) as v', { cancelAfterMs: 200 });
    expect(err).toBeUndefined();
    expect(rows).toEqual([{ v: '57014' }]);
  });
});

describe('backend termination', () => {
  it('pg_terminate_backend ends the backend even when JavaScript swallows every SQL error', async () => {
    const victim = await session(s);
    victim.on('error', () => {}); // the connection is expected to drop
    const pid = await backendPid(victim);
    const running = sqlError(victim.query('select i_swallow_all()'));
    await sleep(300);
    expect(await one(c, 'select pg_terminate_backend($1)', [pid])).toBe(true);
    const err = await running;
    expect(err.message).toMatch(/terminating connection due to administrator command|Connection terminated/);
    await victim.end().catch(() => {});
    for (let i = 0; i < 50 && (await one<number>(c, 'select count(*)::int from pg_stat_activity where pid = $1', [pid])) > 0; i++) await sleep(100);
    expect(await one(c, 'select count(*)::int from pg_stat_activity where pid = $1', [pid])).toBe(0);
  });
});

// Real plv8 never acts on a cancel or a termination while pure JavaScript runs: such a
// backend spins until the server is stopped with -m immediate. Nothing may rely on these.
const NEVER_STOPS = 'real plv8 does not stop pure JavaScript; the backend would spin for good';

describe('compatible runtime only: the watchdog stops pure JavaScript', () => {
  compatIt(NEVER_STOPS, 'pg_cancel_backend stops a pure JS busy loop (after a grace period)', async () => {
    const { err, ms } = await interrupted('select i_busy()', { cancelAfterMs: 300 });
    expect([err?.code, err?.message]).toEqual(['57014', 'canceling statement due to user request']);
    expect(ms).toBeLessThan(5000);
  });

  compatIt(NEVER_STOPS, 'statement_timeout stops a pure JS busy loop', async () => {
    const { err, ms } = await interrupted('select i_busy()', { timeoutMs: 300 });
    expect([err?.code, err?.message]).toEqual(['57014', 'canceling statement due to statement timeout']);
    expect(ms).toBeLessThan(5000);
  });

  compatIt(NEVER_STOPS, 'pg_cancel_backend stops a DO block', async () => {
    const { err } = await interrupted(`do $$ for (;;) {} $$ language plv8`, { cancelAfterMs: 300 });
    expect(err?.code).toBe('57014');
  });

  compatIt(NEVER_STOPS, 'a stopped nested plv8 → SQL → plv8 busy loop is a catchable 57014 in the outer JavaScript', async () => {
    const { rows, err } = await interrupted('select i_nested() as v', { timeoutMs: 300 });
    expect(err).toBeUndefined();
    expect(rows).toEqual([{ v: '57014 canceling statement due to statement timeout' }]);
  });

  for (const [what, sql] of [['a busy loop', 'select i_busy()'], ['a nested busy loop', 'select i_nested()']]) {
    compatIt(NEVER_STOPS, `pg_terminate_backend ends a session running ${what} cleanly`, async () => {
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
