// The call, inline and validator handlers: functions, procedures, DO blocks, compilation, caching, contexts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { compatIt, one, plv8Scratch, session, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;

beforeAll(async () => {
  s = await plv8Scratch('handlers');
  c = await s.admin();
});
afterAll(async () => {
  await s?.drop();
});

describe('functions', () => {
  it('named arguments are variables in the body', async () => {
    await c.query(`create function h_add(a int, b int) returns int language plv8 as $$ return a + b $$`);
    expect(await one(c, 'select h_add(2, 40)')).toBe(42);
  });

  it('unnamed arguments are $1, $2 and arguments', async () => {
    await c.query(`create function h_unnamed(int, text) returns text language plv8
      as $$ return $2 + ':' + $1 + ':' + arguments.length + ':' + arguments[1] $$`);
    expect(await one(c, `select h_unnamed(7, 'x')`)).toBe('x:7:2:x');
  });

  it('an uncaught Error becomes an ERROR XX000 with String(err) as message, a leading "Error: " stripped', async () => {
    await c.query(`create function h_boom() returns int language plv8 as $$ throw new Error('boom') $$`);
    const e = await sqlError(c.query('select h_boom()'));
    expect([e.code, e.message]).toEqual(['XX000', 'boom']);
    await c.query(`create function h_type_error() returns int language plv8 as $$ null.x $$`);
    expect((await sqlError(c.query('select h_type_error()'))).message).toMatch(/^TypeError: Cannot read properties of null/);
    await c.query(`create function h_boom_twice() returns int language plv8 as $$ throw new Error('Error: twice') $$`);
    expect((await sqlError(c.query('select h_boom_twice()'))).message).toBe('Error: twice');
  });

  it('the SQLSTATE of an uncaught value comes from a numeric code only, else XX000; detail and hint are kept', async () => {
    // code is the packed SQLSTATE, as SQL errors carry it: MAKE_SQLSTATE('4','0','0','0','1').
    await c.query(`create function h_coded(how text) returns int language plv8 as $$
      var packed = function (s) { var n = 0; for (var i = 0; i < 5; i++) n += ((s.charCodeAt(i) - 48) & 63) << (6 * i); return n };
      var e = new Error('coded');
      if (how === 'code') { e.code = packed('40001'); e.detail = 'the detail'; e.hint = 'the hint' }
      if (how === 'sqlerrcode') e.sqlerrcode = '40001';
      if (how === 'string code') e.code = '40001x';
      throw e $$`);
    const coded = await sqlError(c.query(`select h_coded('code')`));
    expect([coded.code, coded.message, coded.detail, coded.hint]).toEqual(['40001', 'coded', 'the detail', 'the hint']);
    expect((await sqlError(c.query(`select h_coded('sqlerrcode')`))).code).toBe('XX000');
    expect((await sqlError(c.query(`select h_coded('string code')`))).code).toBe('XX000');
  });

  it('an uncaught non-Error value becomes an ERROR with its string', async () => {
    await c.query(`create function h_throw_str() returns int language plv8 as $$ throw 'plain text' $$`);
    expect((await sqlError(c.query('select h_throw_str()'))).message).toBe('plain text');
  });

  it('an uncaught exception from a SQL error keeps its SQLSTATE', async () => {
    await c.query(`create function h_div() returns int language plv8 as $$ plv8.execute('select 1/0') $$`);
    const e = await sqlError(c.query('select h_div()'));
    expect(e.code).toBe('22012');
    expect(e.message).toMatch(/division by zero/);
  });

  it('a syntax error is reported at CREATE FUNCTION', async () => {
    const e = await sqlError(c.query(`create function h_bad() returns int language plv8 as $$ return x y $$`));
    expect(e.message).toMatch(/SyntaxError/);
    expect(await one(c, `select count(*)::int from pg_proc where proname = 'h_bad'`)).toBe(0);
  });

  it('check_function_bodies = off skips validation', async () => {
    await c.query('begin');
    await c.query('set local check_function_bodies = off');
    await c.query(`create function h_bad_later() returns int language plv8 as $$ return x y $$`);
    await c.query('commit');
    expect((await sqlError(c.query('select h_bad_later()'))).message).toMatch(/SyntaxError/);
  });

  it('CREATE OR REPLACE recompiles the function', async () => {
    await c.query(`create function h_ver() returns int language plv8 as $$ return 1 $$`);
    expect(await one(c, 'select h_ver()')).toBe(1);
    await c.query(`create or replace function h_ver() returns int language plv8 as $$ return 2 $$`);
    expect(await one(c, 'select h_ver()')).toBe(2);
  });

  it('a replacement done by another session is seen too', async () => {
    await c.query(`create function h_ver2() returns text language plv8 as $$ return 'old' $$`);
    expect(await one(c, 'select h_ver2()')).toBe('old');
    const other = await session(s);
    try {
      await other.query(`create or replace function h_ver2() returns text language plv8 as $$ return 'new' $$`);
    } finally {
      await other.end();
    }
    expect(await one(c, 'select h_ver2()')).toBe('new');
  });

  it('void functions ignore the returned value', async () => {
    await c.query(`create function h_void() returns void language plv8 as $$ return 42 $$`);
    const r = await c.query('select h_void() as v');
    expect(r.rows[0].v).toBe('');
  });

  compatIt('real plv8 supports triggers', 'trigger functions are refused with a clear message', async () => {
    const e = await sqlError(c.query(`create function h_trg() returns trigger language plv8 as $$ return null $$`));
    expect(e.message).toMatch(/trigger functions are not supported/);
  });
});

describe('global state', () => {
  it('globals persist across calls in the session', async () => {
    await c.query(`create function h_counter() returns int language plv8
      as $$ globalThis.n = (globalThis.n || 0) + 1; return globalThis.n $$`);
    const a = await one<number>(c, 'select h_counter()');
    expect(await one(c, 'select h_counter()')).toBe(a + 1);
  });

  it('another session starts with fresh globals', async () => {
    const other = await session(s);
    try {
      expect(await one(other, 'select h_counter()')).toBe(1);
    } finally {
      await other.end();
    }
  });

  it('each role has its own context', async () => {
    const role = `plv8c_role_${process.pid}`;
    await c.query(`drop role if exists ${role}`);
    await c.query(`create role ${role}`);
    try {
      await c.query(`create function h_glob(v text) returns text language plv8
        as $$ var old = globalThis.g; if (v !== null) globalThis.g = v; return String(old) $$`);
      await c.query(`select h_glob('as postgres')`);
      await c.query(`set role ${role}`);
      expect(await one(c, 'select h_glob(null)')).toBe('undefined');
      await c.query(`select h_glob('as role')`);
      await c.query('reset role');
      expect(await one(c, 'select h_glob(null)')).toBe('as postgres');
    } finally {
      await c.query('reset role');
      await c.query(`drop owned by ${role}`);
      await c.query(`drop role ${role}`);
    }
  });
});

describe('DO blocks', () => {
  it('run inline code with SQL access', async () => {
    await c.query('create table h_do (x int)');
    await c.query(`do $$ plv8.execute('insert into h_do values (5)') $$ language plv8`);
    expect(await one(c, 'select x from h_do')).toBe(5);
  });

  it('report uncaught errors', async () => {
    expect((await sqlError(c.query(`do $$ throw new Error('in do') $$ language plv8`))).message).toBe('in do');
  });

  it('are atomic: commit and rollback are invalid transaction termination, even outside a transaction block', async () => {
    await c.query('create table h_do_commit (x int)');
    const e = await sqlError(c.query(`do $$ plv8.execute('insert into h_do_commit values (1)'); plv8.commit() $$ language plv8`));
    expect([e.code, e.message]).toEqual(['2D000', 'invalid transaction termination']);
    expect((await sqlError(c.query(`do $$ plv8.rollback() $$ language plv8`))).code).toBe('2D000');
    // The error is catchable, and then the block goes on in its one transaction.
    await c.query(`do $$ plv8.execute('insert into h_do_commit values (2)');
      try { plv8.commit() } catch (e) { plv8.execute('insert into h_do_commit values ($1)', [e.sqlerrcode === '2D000' ? 3 : -1]) } $$ language plv8`);
    expect((await c.query('select x from h_do_commit order by x')).rows).toEqual([{ x: 2 }, { x: 3 }]);
  });
});

describe('procedures', () => {
  it('run with CALL', async () => {
    await c.query('create table h_proc (x int)');
    await c.query(`create procedure h_p(v int) language plv8 as $$ plv8.execute('insert into h_proc values ($1)', [v]) $$`);
    await c.query('call h_p(3)');
    expect(await one(c, 'select x from h_proc')).toBe(3);
  });

  compatIt('real plv8 3.1 does not support INOUT procedure arguments', 'INOUT arguments come back as a row', async () => {
    await c.query(`create procedure h_inout(inout a int, inout b text) language plv8 as $$ return {a: a * 2, b: b + '!'} $$`);
    expect((await c.query('call h_inout(21, $1)', ['hi'])).rows).toEqual([{ a: 42, b: 'hi!' }]);
  });
});

describe('version', () => {
  compatIt('it is a real plv8', 'plv8_version() and plv8.version say this is the compatible runtime', async () => {
    const v = await one<string>(c, 'select plv8_version()');
    expect(v).toMatch(/^3\.1\.10 \(pg_durable plv8-compatible runtime, V8 10\.2\.\d+\)$/);
    await c.query(`create function h_jsver() returns text language plv8 as $$ return plv8.version $$`);
    expect(await one(c, 'select h_jsver()')).toBe(v);
  });
});
