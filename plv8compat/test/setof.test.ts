// Set-returning functions: RETURNS SETOF / RETURNS TABLE via plv8.return_next and returned arrays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { compatIt, plv8Scratch, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;

beforeAll(async () => {
  s = await plv8Scratch('setof');
  c = await s.admin();
});
afterAll(async () => {
  await s?.drop();
});

describe('set-returning functions', () => {
  it('RETURNS TABLE rows come from return_next and a returned array, in order', async () => {
    await c.query(`create function s_table() returns table (a int, b text) language plv8 as $$
      plv8.return_next({a: 1, b: 'one'});
      plv8.return_next({b: 'two', a: 2});
      return [{a: 3, b: 'three'}] $$`);
    expect((await c.query('select * from s_table()')).rows).toEqual([
      { a: 1, b: 'one' }, { a: 2, b: 'two' }, { a: 3, b: 'three' },
    ]);
  });

  it('a missing property is NULL', async () => {
    await c.query(`create function s_missing() returns table (a int, b text) language plv8 as $$ return [{a: 1}] $$`);
    expect((await c.query('select * from s_missing()')).rows).toEqual([{ a: 1, b: null }]);
  });

  it('a property not in the row type is an error', async () => {
    await c.query(`create function s_extra() returns table (a int) language plv8 as $$ return [{a: 1, zz: 2}] $$`);
    await sqlError(c.query('select * from s_extra()'));
    await c.query(`create function s_extra2() returns table (a int, b int) language plv8 as $$ plv8.return_next({a: 1, nope: 2}) $$`);
    await sqlError(c.query('select * from s_extra2()'));
  });

  compatIt('the wording is the compatible runtime\'s', 'that error names the property and the columns', async () => {
    expect((await sqlError(c.query('select * from s_extra()'))).message).toMatch(/"zz"/);
    expect((await sqlError(c.query('select * from s_extra2()'))).message).toMatch(/"nope".*columns: a, b/);
  });

  it('RETURNS SETOF a scalar takes an array of scalars', async () => {
    await c.query(`create function s_ints() returns setof int language plv8 as $$ return [1, 2, 3] $$`);
    expect((await c.query('select s_ints() as v')).rows.map((r) => r.v)).toEqual([1, 2, 3]);
  });

  it('RETURNS SETOF a scalar with return_next', async () => {
    await c.query(`create function s_texts(n int) returns setof text language plv8 as $$
      for (var i = 0; i < n; i++) plv8.return_next('t' + i) $$`);
    expect((await c.query('select * from s_texts(3) as v')).rows.map((r) => r.v)).toEqual(['t0', 't1', 't2']);
  });

  it('RETURNS SETOF a composite type', async () => {
    await c.query('create table s_items (id int, name text)');
    await c.query(`create function s_items_of() returns setof s_items language plv8 as $$ return [{id: 1, name: 'x'}, {id: 2, name: null}] $$`);
    expect((await c.query('select * from s_items_of()')).rows).toEqual([{ id: 1, name: 'x' }, { id: 2, name: null }]);
  });

  it('RETURNS SETOF jsonb keeps objects as values', async () => {
    await c.query(`create function s_json() returns setof jsonb language plv8 as $$ return [{a: 1}, [2]] $$`);
    expect((await c.query('select s_json() as v')).rows.map((r) => r.v)).toEqual([{ a: 1 }, [2]]);
  });

  it('returning nothing gives no rows', async () => {
    await c.query(`create function s_none() returns setof int language plv8 as $$ $$`);
    expect((await c.query('select * from s_none()')).rows).toEqual([]);
  });

  it('return_next outside a set-returning function is an error', async () => {
    await c.query(`create function s_wrong() returns int language plv8 as $$ plv8.return_next(1); return 1 $$`);
    expect((await sqlError(c.query('select s_wrong()'))).message).toMatch(/return_next\(\) can only be used|return_next called in context that cannot accept a set/);
  });

  it('large sets are fine', async () => {
    await c.query(`create function s_many(n int) returns table (i int, sq int8) language plv8 as $$
      for (var i = 0; i < n; i++) plv8.return_next({i: i, sq: BigInt(i) * BigInt(i)}) $$`);
    const r = await c.query('select count(*)::int as n, sum(sq)::text as s from s_many(100000)');
    expect(r.rows[0]).toEqual({ n: 100000, s: '333328333350000' });
  });
});
