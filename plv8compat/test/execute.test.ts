// plv8.execute and plv8.prepare: results, inferred parameter types, and SQL errors as catchable exceptions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { compatIt, one, plv8Scratch, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;

/** Runs `body` as a plv8 function returning jsonb and gives the parsed result. */
async function js(body: string): Promise<unknown> {
  const name = `x_${Math.random().toString(36).slice(2, 10)}`;
  await c.query(`create function ${name}() returns jsonb language plv8 as $$ ${body} $$`);
  return one(c, `select ${name}()`);
}

beforeAll(async () => {
  s = await plv8Scratch('execute');
  c = await s.admin();
  await c.query('create table e_t (id int primary key, name text, doc jsonb, n int8, check (id > 0))');
});
afterAll(async () => {
  await s?.drop();
});

describe('plv8.execute', () => {
  it('SELECT gives row objects keyed by column name, in column order', async () => {
    expect(await js(`var r = plv8.execute("select 1 as z, 'x' as a, null::int as m"); return [r, Object.keys(r[0])]`))
      .toEqual([[{ z: 1, a: 'x', m: null }], ['z', 'a', 'm']]);
  });

  it('values in rows are converted like arguments (int8 as BigInt)', async () => {
    expect(await js(`var r = plv8.execute("select 5::int8 as n, '{\\"k\\":1}'::jsonb as j, now() as t")[0];
      return [typeof r.n, r.j, r.t instanceof Date]`)).toEqual(['bigint', { k: 1 }, true]);
  });

  it('INSERT/UPDATE/DELETE give the number of rows, RETURNING gives rows', async () => {
    expect(await js(`return [
      plv8.execute("insert into e_t (id, name) values (1, 'a'), (2, 'b')"),
      plv8.execute("update e_t set name = name || '!' where id <= 2"),
      plv8.execute("insert into e_t (id, name) values (3, 'c') returning id, name"),
      plv8.execute("delete from e_t where id = 3")]`)).toEqual([2, 2, [{ id: 3, name: 'c' }], 1]);
  });

  it('several statements without arguments run in order, later ones seeing earlier DDL', async () => {
    expect(await js(`return plv8.execute('create table e_multi (x int); insert into e_multi values (1), (2); select sum(x)::int as s from e_multi')`))
      .toEqual([{ s: 3 }]);
  });

  it('DDL gives 0', async () => {
    expect(await js(`return plv8.execute('create table e_ddl (x int)')`)).toBe(0);
  });

  it('parameter types are inferred from the statement', async () => {
    expect(await js(`plv8.execute('insert into e_t (id, name, doc, n) values ($1, $2, $3, $4)', [10, 'ten', {deep: [1]}, 12345678901234]);
      return plv8.execute('select id, name, doc, n::text as n from e_t where id = $1', [10])`))
      .toEqual([{ id: 10, name: 'ten', doc: { deep: [1] }, n: '12345678901234' }]);
  });

  it('a JS string bound to a jsonb parameter is a JSON string scalar', async () => {
    expect(await js(`return plv8.execute('select jsonb_typeof($1::jsonb) as t, $1::jsonb as v', ['{"a":1}'])[0]`))
      .toEqual({ t: 'string', v: '{"a":1}' });
  });

  it('a parameter without type context is text', async () => {
    expect(await js(`return plv8.execute('select $1 as v', ['hi'])[0]`)).toEqual({ v: 'hi' });
    expect(await js(`return plv8.execute('select $1 as v', [12])[0]`)).toEqual({ v: '12' });
  });

  it('arguments may also be passed after the SQL text', async () => {
    expect(await js(`return plv8.execute('select $1::int + $2::int as s', 40, 2)`)).toEqual([{ s: 42 }]);
  });

  it('null and undefined parameters are SQL NULL', async () => {
    expect(await js(`return plv8.execute('select $1::text is null as a, $2::int is null as b', [null, undefined])`))
      .toEqual([{ a: true, b: true }]);
  });

  it('the number of arguments must be the number of parameters (a lone undefined is one)', async () => {
    expect(await js(`var out = [];
      try { plv8.execute('select $1::int, $2::int', [1]) } catch (e) { out.push(e.message) }
      try { plv8.execute('select $1::int', [1, 2]) } catch (e) { out.push(e.message) }
      try { plv8.execute('select 1', undefined) } catch (e) { out.push(e.message) }
      return out`)).toEqual([
      'parameter numbers mismatch: 2 != 1',
      'parameter numbers mismatch: 1 != 2',
      'parameter numbers mismatch: 0 != 1',
    ]);
  });

  it('a SQL error is a catchable exception with the PostgreSQL message and fields, shaped like real plv8\'s', async () => {
    expect(await js(`try { plv8.execute("insert into e_t (id) values (1)") } catch (e) {
      return {m: e.message, name: e.name, isError: e instanceof Error, own: Object.keys(e), fields: e} }`)).toEqual({
      m: 'duplicate key value violates unique constraint "e_t_pkey"',
      name: 'Error',
      isError: true,
      own: ['sqlerrcode', 'schema_name', 'table_name', 'column_name', 'datatype_name', 'constraint_name',
        'detail', 'hint', 'context', 'internalquery', 'code'],
      fields: {
        sqlerrcode: '23505',
        schema_name: 'public',
        table_name: 'e_t',
        column_name: null,
        datatype_name: null,
        constraint_name: 'e_t_pkey',
        detail: 'Key (id)=(1) already exists.',
        hint: null,
        context: 'SQL statement "insert into e_t (id) values (1)"',
        internalquery: null,
        code: 83906754, // the packed SQLSTATE 23505, as PostgreSQL's MAKE_SQLSTATE
      },
    });
  });

  it('a failed statement is rolled back alone and the transaction stays usable', async () => {
    await c.query('begin');
    try {
      const r = await js(`plv8.execute("insert into e_t (id, name) values (20, 'kept')");
        var msg;
        try { plv8.execute("insert into e_t (id, name) values (21, 'gone'), (-1, 'bad')") } catch (e) { msg = e.message }
        plv8.execute("insert into e_t (id, name) values (22, 'after')");
        return msg`);
      expect(r).toMatch(/violates check constraint/);
      expect((await c.query('select id from e_t where id between 20 and 22 order by id')).rows).toEqual([{ id: 20 }, { id: 22 }]);
    } finally {
      await c.query('commit');
    }
    expect(await one(c, 'select count(*)::int from e_t where id between 20 and 22')).toBe(2);
  });

  it('many caught errors in one call keep the session healthy', async () => {
    expect(await js(`var n = 0; for (var i = 0; i < 2000; i++) { try { plv8.execute('select 1/0') } catch (e) { n++ } } return n`)).toBe(2000);
    expect(await one(c, 'select 1')).toBe(1);
  });

  compatIt('real plv8 runs String(sql)', 'a non-string SQL argument is a TypeError', async () => {
    expect(await js(`try { plv8.execute(42) } catch (e) { return e.constructor.name }`)).toBe('TypeError');
  });
});

describe('plv8.prepare', () => {
  it('a plan with declared types executes many times and can be freed', async () => {
    expect(await js(`var p = plv8.prepare('select $1 + 1 as v, $2 as t', ['int', 'text']);
      var out = [p.execute([1, 'a'])[0], p.execute([41, 'b'])[0]];
      p.free();
      try { p.execute([1, 'x']); out.push('no error') } catch (e) { out.push('freed') }
      return out`)).toEqual([{ v: 2, t: 'a' }, { v: 42, t: 'b' }, 'freed']);
  });

  it('without types they are inferred', async () => {
    expect(await js(`var p = plv8.prepare('select id from e_t where id = $1'); var r = p.execute([1]); p.free(); return r`))
      .toEqual([{ id: 1 }]);
  });

  it('plan errors are catchable and leave the transaction usable', async () => {
    expect(await js(`var p = plv8.prepare('insert into e_t (id) values ($1)', ['int']); var m;
      try { p.execute([1]) } catch (e) { m = e.sqlerrcode } p.execute([30]); p.free(); return m`)).toBe('23505');
    expect(await one(c, 'select count(*)::int from e_t where id = 30')).toBe(1);
  });

  it('a wrong argument count is an error', async () => {
    expect(await js(`var p = plv8.prepare('select $1::int', ['int']); try { p.execute([]) } catch (e) { return e.message } finally { p.free() }`))
      .toBe('plan expected 1 argument(s), given is 0');
  });

  it('a syntax error in prepare is catchable', async () => {
    expect(await js(`try { plv8.prepare('selec 1') } catch (e) { return e.sqlerrcode }`)).toBe('42601');
  });

  it('a plan survives across calls', async () => {
    await c.query(`create function e_cached(v int) returns int language plv8 as $$
      if (!globalThis.plan) globalThis.plan = plv8.prepare('select $1 * 2 as d', ['int']);
      return globalThis.plan.execute([v])[0].d $$`);
    expect(await one(c, 'select e_cached(2)')).toBe(4);
    expect(await one(c, 'select e_cached(5)')).toBe(10);
  });
});

describe('nesting', () => {
  it('plv8 calling SQL calling plv8 works, errors propagate as exceptions', async () => {
    await c.query(`create function e_inner(v int) returns int language plv8 as $$ if (v < 0) throw new Error('negative'); return v * 10 $$`);
    expect(await js(`var r = plv8.execute('select e_inner(4) as v')[0].v; var m;
      try { plv8.execute('select e_inner(-1)') } catch (e) { m = e.message } return [r, m]`)).toEqual([40, 'negative']);
  });
});

it('uncaught statement errors abort the call with the SQL error', async () => {
  await c.query(`create function e_uncaught() returns int language plv8 as $$ plv8.execute('select * from no_such_table') $$`);
  const e = await sqlError(c.query('select e_uncaught()'));
  expect(e.code).toBe('42P01');
  expect(e.message).toMatch(/relation "no_such_table" does not exist/);
});

it('a SQL error rethrown unchanged keeps its SQLSTATE (from its numeric code), detail and hint', async () => {
  await c.query(`create function e_rethrown() returns int language plv8 as $$
    try { plv8.execute("insert into e_t (id) values (1)") } catch (e) { throw e } $$`);
  const e = await sqlError(c.query('select e_rethrown()'));
  expect([e.code, e.message, e.detail]).toEqual(['23505', 'duplicate key value violates unique constraint "e_t_pkey"', 'Key (id)=(1) already exists.']);
  await c.query(`create function e_copied() returns int language plv8 as $$
    try { plv8.execute('select 1/0') } catch (e) { throw {message: e.message, sqlerrcode: e.sqlerrcode, toString() { return e.message }} } $$`);
  expect((await sqlError(c.query('select e_copied()'))).code).toBe('XX000');
});
