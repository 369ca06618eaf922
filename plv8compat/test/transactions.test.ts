// Transaction control: plv8.subtransaction, plv8.commit / plv8.rollback in procedures, and their errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { compatIt, one, plv8Scratch, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;

const rows = async (sql: string) => (await c.query(sql)).rows;

beforeAll(async () => {
  s = await plv8Scratch('transactions');
  c = await s.admin();
  await c.query('create table tx (x int primary key)');
});
afterAll(async () => {
  await s?.drop();
});

describe('plv8.subtransaction', () => {
  it('returns the function value and keeps its work', async () => {
    await c.query(`create function t_sub_ok() returns int language plv8 as $$
      return plv8.subtransaction(function () { plv8.execute('insert into tx values (1)'); return 7 }) $$`);
    expect(await one(c, 'select t_sub_ok()')).toBe(7);
    expect(await rows('select x from tx where x = 1')).toEqual([{ x: 1 }]);
  });

  it('rolls back everything when the function throws a JS error, and rethrows a new Error made from its string', async () => {
    await c.query(`create function t_sub_js() returns text language plv8 as $$
      try {
        plv8.subtransaction(function () {
          plv8.execute('insert into tx values (2)');
          plv8.execute('insert into tx values (3)');
          throw new RangeError('stop here');
        });
      } catch (e) { return e.name + ': ' + e.message }
      return 'not thrown' $$`);
    // Real plv8 rethrows new Error(String(e)) (a leading "Error: " stripped): the name is lost.
    expect(await one(c, 'select t_sub_js()')).toBe('Error: RangeError: stop here');
    expect(await rows('select x from tx where x in (2, 3)')).toEqual([]);
  });

  it('rolls back everything when a SQL error escapes it, and rethrows it without name, sqlerrcode or code', async () => {
    await c.query(`create function t_sub_sql() returns jsonb language plv8 as $$
      try {
        plv8.subtransaction(function () {
          plv8.execute('insert into tx values (4)');
          plv8.execute('insert into tx values (1)');  // duplicate
        });
      } catch (e) {
        return {own: Object.getOwnPropertyNames(e).sort(), name: e.name, message: e.message, sqlerrcode: String(e.sqlerrcode), code: String(e.code)};
      }
      return 'not thrown' $$`);
    expect(await one(c, 'select t_sub_sql()')).toEqual({
      own: ['message', 'stack'],
      name: 'Error',
      message: 'duplicate key value violates unique constraint "tx_pkey"',
      sqlerrcode: 'undefined',
      code: 'undefined',
    });
    expect(await rows('select x from tx where x = 4')).toEqual([]);
  });

  it('an uncaught SQL error out of a subtransaction has lost its SQLSTATE: XX000', async () => {
    await c.query(`create function t_sub_sql_uncaught() returns int language plv8 as $$
      plv8.subtransaction(function () { plv8.execute('insert into tx values (1)') }) $$`);
    const e = await sqlError(c.query('select t_sub_sql_uncaught()'));
    expect([e.code, e.message]).toEqual(['XX000', 'duplicate key value violates unique constraint "tx_pkey"']);
  });

  it('an uncaught error out of a subtransaction aborts the statement', async () => {
    await c.query(`create function t_sub_uncaught() returns int language plv8 as $$
      plv8.subtransaction(function () { plv8.execute('insert into tx values (5)'); throw new Error('out') }) $$`);
    expect((await sqlError(c.query('select t_sub_uncaught()'))).message).toBe('out');
    expect(await rows('select x from tx where x = 5')).toEqual([]);
  });

  it('nests', async () => {
    await c.query(`create function t_sub_nest() returns int language plv8 as $$
      plv8.subtransaction(function () {
        plv8.execute('insert into tx values (6)');
        try { plv8.subtransaction(function () { plv8.execute('insert into tx values (7)'); throw 1 }) } catch (e) {}
      });
      return plv8.execute('select count(*)::int as n from tx where x in (6, 7)')[0].n $$`);
    expect(await one(c, 'select t_sub_nest()')).toBe(1);
  });

  compatIt('real plv8 returns undefined when given no function', 'needs a function', async () => {
    await c.query(`create function t_sub_arg() returns text language plv8 as $$ try { plv8.subtransaction(1) } catch (e) { return e.constructor.name } $$`);
    expect(await one(c, 'select t_sub_arg()')).toBe('TypeError');
  });
});

describe('plv8.commit and plv8.rollback', () => {
  it('commit and rollback in a procedure end the transaction and start a new one', async () => {
    await c.query('create table tc (x int)');
    await c.query(`create procedure t_proc() language plv8 as $$
      for (var i = 1; i <= 4; i++) {
        plv8.execute('insert into tc values ($1)', [i]);
        if (i % 2) plv8.commit(); else plv8.rollback();
      } $$`);
    await c.query('call t_proc()');
    expect(await rows('select x from tc order by x')).toEqual([{ x: 1 }, { x: 3 }]);
  });

  it('a committed part survives a later error in the procedure', async () => {
    await c.query('create table tc2 (x int)');
    await c.query(`create procedure t_proc_err() language plv8 as $$
      plv8.execute('insert into tc2 values (1)'); plv8.commit();
      plv8.execute('insert into tc2 values (2)'); throw new Error('late') $$`);
    expect((await sqlError(c.query('call t_proc_err()'))).message).toBe('late');
    expect(await rows('select x from tc2')).toEqual([{ x: 1 }]);
  });

  it('inside BEGIN … CALL it is invalid transaction termination', async () => {
    await c.query(`create procedure t_proc_in_block() language plv8 as $$ plv8.commit() $$`);
    await c.query('begin');
    const e = await sqlError(c.query('call t_proc_in_block()'));
    await c.query('rollback');
    expect(e.message).toMatch(/invalid transaction termination/);
    expect(e.code).toBe('2D000');
  });

  it('in a function it is a catchable invalid transaction termination', async () => {
    await c.query(`create function t_fn_commit() returns text language plv8 as $$
      try { plv8.commit() } catch (e) { return e.sqlerrcode + ' ' + e.message } $$`);
    expect(await one(c, 'select t_fn_commit()')).toBe('2D000 invalid transaction termination');
    await c.query(`create function t_fn_rollback() returns int language plv8 as $$ plv8.rollback() $$`);
    expect((await sqlError(c.query('select t_fn_rollback()'))).code).toBe('2D000');
  });

  it('a JS error in a subtransaction, then commit, leaves the server healthy', async () => {
    await c.query('create table tc3 (x int)');
    await c.query(`create procedure t_proc_sub() language plv8 as $$
      try {
        plv8.subtransaction(function () { plv8.execute('insert into tc3 values (1)'); throw new Error('x') });
      } catch (e) {}
      plv8.execute('insert into tc3 values (2)');
      plv8.commit();
      try { plv8.execute('select 1/0') } catch (e) {}
      plv8.execute('insert into tc3 values (3)');
      plv8.commit() $$`);
    await c.query('call t_proc_sub()');
    await c.query('call t_proc_sub()');
    expect(await rows('select x from tc3 order by x')).toEqual([{ x: 2 }, { x: 2 }, { x: 3 }, { x: 3 }]);
    expect(await one(c, 'select 1')).toBe(1);
  });

  it('commit inside a subtransaction is refused and catchable', async () => {
    await c.query('create table tc5 (m text)');
    await c.query(`create procedure t_proc_sub_commit() language plv8 as $$
      try { plv8.subtransaction(function () { plv8.commit() }) } catch (e) { plv8.execute('insert into tc5 values ($1)', [e.message]) } $$`);
    await c.query('call t_proc_sub_commit()');
    expect((await rows('select m from tc5')).map((r) => r.m)).toEqual(['cannot commit while a subtransaction is active']);
  });

  it('a procedure CALLed through plv8.execute cannot commit (each statement runs in a subtransaction, as in plv8)', async () => {
    await c.query('create table tc4 (x int)');
    await c.query(`create procedure t_inner(v int) language plv8 as $$ plv8.execute('insert into tc4 values ($1)', [v]); plv8.commit() $$`);
    await c.query(`create procedure t_outer() language plv8 as $$ plv8.execute('call t_inner(1)') $$`);
    expect((await sqlError(c.query('call t_outer()'))).message).toMatch(/invalid transaction termination/);
    expect(await rows('select x from tc4')).toEqual([]);
  });
});
