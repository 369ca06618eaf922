// Robustness: flat memory over 100,000 calls, heap limit, deep recursion, hostile values, no crashes.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { usesPrivateCluster } from '../../test/support/server.js';
import { backendPid, compatIt, logSince, logSize, one, plv8Scratch, session, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;
let logStart = 0;

beforeAll(async () => {
  logStart = logSize();
  s = await plv8Scratch('robustness');
  c = await s.admin();
});
afterAll(async () => {
  await s?.drop();
});

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

describe('memory', () => {
  it.skipIf(!usesPrivateCluster())('100,000 calls keep backend memory flat', async () => {
    await c.query(`create function m_call(i int, doc jsonb) returns jsonb language plv8 as $$
      var r = plv8.execute('select $1::int + 1 as n, $2::jsonb as d', [i, doc]);
      return {n: r[0].n, d: r[0].d, s: plv8.quote_literal('x' + i)} $$`);
    const victim = await session(s);
    try {
      const pid = await backendPid(victim);
      const batch = `select count(m_call(i, '{"k": [1, 2, 3]}')) from generate_series(1, 20000) i`;
      await victim.query(batch); // warm up: V8 heap, caches
      await victim.query(batch);
      const before = rssKb(pid);
      for (let i = 0; i < 5; i++) await victim.query(batch); // 100,000 calls
      for (let i = 0; i < 200; i++) await victim.query(`select m_call(${i}, '{}')`); // and separate statements
      const after = rssKb(pid);
      expect(after - before).toBeLessThan(30 * 1024);
    } finally {
      await victim.end();
    }
  }, 180_000);
});

describe('heap limit', () => {
  compatIt('the heap limit handling and its message are the compatible runtime\'s', 'a runaway allocation hits plv8.memory_limit as an ERROR and the session still works', async () => {
    const victim = await session(s);
    try {
      await victim.query('set plv8.memory_limit = 64'); // before the session's first JavaScript
      await victim.query(`create function m_hog() returns int language plv8 as $$
        var a = []; for (;;) a.push(new Array(100000).fill(1.5)) $$`);
      const e = await sqlError(victim.query('select m_hog()'));
      expect(e.message).toMatch(/JavaScript heap limit reached/);
      expect(await one(victim, `select (select count(*) from (select 1) x)::int`)).toBe(1);
      await victim.query(`create function m_ok() returns int language plv8 as $$ return [1, 2, 3].length $$`);
      expect(await one(victim, 'select m_ok()')).toBe(3);
      expect((await sqlError(victim.query('select m_hog()'))).message).toMatch(/JavaScript heap limit reached/);
      expect(await one(victim, 'select m_ok()')).toBe(3);
    } finally {
      await victim.end();
    }
  }, 60_000);
});

describe('hostile code', () => {
  it('deep recursion is a RangeError, not a crash', async () => {
    await c.query(`create function m_recurse() returns int language plv8 as $$ function f(n) { return f(n + 1) + 1 } return f(0) $$`);
    expect((await sqlError(c.query('select m_recurse()'))).message).toMatch(/RangeError: Maximum call stack size exceeded/);
  });

  compatIt('unverified on real plv8: V8 re-entered through SQL until a stack limit', 'deep recursion through SQL is an error, not a crash', async () => {
    await c.query(`create function m_sql_recurse(n int) returns int language plv8 as $$
      return plv8.execute('select m_sql_recurse($1) as v', [n + 1])[0].v $$`);
    const e = await sqlError(c.query('select m_sql_recurse(0)'));
    // Whichever limit is hit first (PostgreSQL's max_stack_depth or V8's stack), it is an ERROR.
    expect(e.message).toMatch(/stack depth limit exceeded|Maximum call stack size exceeded|not convertible/);
    expect(await one(c, 'select 1')).toBe(1);
  });

  compatIt('returning a Symbol, a cyclic jsonb or a throwing toString crashes a real plv8 backend (the server restarts)', 'values that cannot be converted are errors', async () => {
    await c.query(`create function m_sym() returns text language plv8 as $$ return Symbol('s') $$`);
    expect((await sqlError(c.query('select m_sym()'))).message).toMatch(/convert/);
    await c.query(`create function m_cyclic() returns jsonb language plv8 as $$ var o = {}; o.o = o; return o $$`);
    expect((await sqlError(c.query('select m_cyclic()'))).message).toBeTruthy();
    await c.query(`create function m_badtostr() returns text language plv8 as $$ return {toString() { throw new Error('nope') }} $$`);
    expect((await sqlError(c.query('select m_badtostr()'))).message).toBeTruthy();
    await c.query(`create function m_nul_param() returns int language plv8 as $$ return plv8.execute('select $1::text', ['a\\u0000b']).length $$`);
    expect((await sqlError(c.query('select m_nul_param()'))).message).toMatch(/NUL character/);
    await c.query(`create function m_bad_date() returns timestamptz language plv8 as $$ return new Date(NaN) $$`);
    expect((await sqlError(c.query('select m_bad_date()'))).message).toMatch(/invalid JavaScript Date/);
    expect(await one(c, 'select 1')).toBe(1);
  });

  compatIt('unverified on real plv8 3.1.10 (its error path converts the thrown value with ToObject)', 'throwing null is reported', async () => {
    await c.query(`create function m_throw_null() returns int language plv8 as $$ throw null $$`);
    expect((await sqlError(c.query('select m_throw_null()'))).message).toBe('null');
  });

  it('throwing an object is reported with String(value), XX000 (a sqlerrcode property is not used)', async () => {
    await c.query(`create function m_throw_obj() returns int language plv8 as $$ throw {sqlerrcode: 'P0001', message: 'x', toString() { return 'custom' }} $$`);
    const e = await sqlError(c.query('select m_throw_obj()'));
    expect([e.message, e.code]).toEqual(['custom', 'XX000']);
  });

  it('promises and microtasks do not break the call', async () => {
    await c.query(`create function m_promise() returns int language plv8 as $$
      globalThis.done = 0; Promise.resolve(1).then(function (v) { globalThis.done = v }); return 5 $$`);
    expect(await one(c, 'select m_promise()')).toBe(5);
    await c.query(`create function m_done() returns int language plv8 as $$ return globalThis.done $$`);
    expect(await one(c, 'select m_done()')).toBe(1);
  });
});

it('no backend crashed during these tests', () => {
  expect(logSince(logStart)).not.toMatch(/terminated by signal|PANIC/);
});
