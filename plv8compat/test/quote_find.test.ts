// plv8.quote_literal / quote_nullable / quote_ident and plv8.find_function.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { one, plv8Scratch, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;

beforeAll(async () => {
  s = await plv8Scratch('quote_find');
  c = await s.admin();
  await c.query(`create function q(kind text, v text) returns text language plv8 as $$ return plv8['quote_' + kind](v) $$`);
});
afterAll(async () => {
  await s?.drop();
});

describe('quoting', () => {
  const samples = ['plain', "it's", 'back\\slash', 'Mixed Case', 'select', '', 'ünï'];
  for (const kind of ['literal', 'nullable', 'ident']) {
    it(`quote_${kind} gives the same result as the SQL function`, async () => {
      for (const v of samples) {
        const r = await c.query(`select q($1, $2) as js, quote_${kind}($2) as sql`, [kind, v]);
        expect(r.rows[0].js).toBe(r.rows[0].sql);
      }
    });
  }

  it("quote_nullable(null) is NULL; quote_literal and quote_ident quote String(null), as real plv8", async () => {
    expect(await one(c, `select q('nullable', null)`)).toBe('NULL');
    expect(await one(c, `select q('literal', null)`)).toBe("'null'");
    expect(await one(c, `select q('ident', null)`)).toBe('"null"');
  });
});

describe('plv8.find_function', () => {
  beforeAll(async () => {
    await c.query('create schema ff');
    await c.query(`create function ff.twice(x int) returns int language plv8 as $$ return x * 2 $$`);
    await c.query(`create function ff.join2(a text, b text) returns text language plv8 as $$ return a + '-' + b $$`);
    await c.query(`create function ff.sqlfn() returns int language sql as $$ select 1 $$`);
  });

  it('finds a function by schema.name and calls it with JS values', async () => {
    await c.query(`create function f_use() returns int language plv8 as $$ var f = plv8.find_function('ff.twice'); return f(21) $$`);
    expect(await one(c, 'select f_use()')).toBe(42);
  });

  it('finds a function by name(argtypes)', async () => {
    await c.query(`create function f_use2() returns text language plv8 as $$ return plv8.find_function('ff.join2(text, text)')('a', 'b') $$`);
    expect(await one(c, 'select f_use2()')).toBe('a-b');
  });

  it('a missing function is a catchable error', async () => {
    await c.query(`create function f_missing() returns text language plv8 as $$ try { plv8.find_function('ff.nope') } catch (e) { return e.message } $$`);
    expect(await one(c, 'select f_missing()')).toMatch(/function "ff\.nope" does not exist/);
  });

  it('a function in another language is refused', async () => {
    await c.query(`create function f_other() returns text language plv8 as $$ plv8.find_function('ff.sqlfn()') $$`);
    // Real plv8: "javascript function is not found for …"; the compatible runtime says why.
    expect((await sqlError(c.query('select f_other()'))).message).toMatch(/is not a plv8 function|javascript function is not found/);
  });
});
