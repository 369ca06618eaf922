// A SQL node's result: {"rows":[…],"row_count":N}, every PostgreSQL type mapped to JSON exactly
// (spec section 7), DML shapes, and the one-statement rule (spec sections 7 and 11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_sqlshape');
  await fx.user.query('CREATE TABLE items (id int PRIMARY KEY, name text)');
  await fx.user.query(`INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')`);
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

/** Runs one SQL step and returns df.result as text (exact digits, key order as stored). */
async function resultText(query: string): Promise<string> {
  const done = await runWorkflow(fx, `df.sql($1)`, [query]);
  expect(done.error).toBeNull();
  expect(done.status).toBe('completed');
  return done.resultText as string;
}

describe('SQL step results', () => {
  it('have exactly the shape {"rows":[…],"row_count":N}', async () => {
    const done = await runWorkflow(fx, `'SELECT id, name FROM items ORDER BY id'`);
    expect(done.result).toEqual({
      rows: [
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
        { id: 3, name: 'three' },
      ],
      row_count: 3,
    });
    const empty = await runWorkflow(fx, `'SELECT id FROM items WHERE false'`);
    expect(empty.result).toEqual({ rows: [], row_count: 0 });
  });

  it('map booleans, integers, floats, text and uuid to their JSON types', async () => {
    const text = await resultText(
      `SELECT true AS b, false AS f, 7::int2 AS i2, -8::int4 AS i4, 9::int8 AS i8,
              1.5::float8 AS f8, 0.25::float4 AS f4, 'héllo "x"'::text AS txt, 'ab'::varchar AS v,
              'c'::char(3) AS bp, 'nm'::name AS nm, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u`,
    );
    const row = (JSON.parse(text) as { rows: Record<string, unknown>[] }).rows[0];
    expect(row).toEqual({
      b: true, f: false, i2: 7, i4: -8, i8: 9, f8: 1.5, f4: 0.25, txt: 'héllo "x"', v: 'ab', bp: 'c  ', nm: 'nm',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    });
  });

  it('keep int8 beyond 2^53 and numeric digits exact', async () => {
    const text = await resultText(
      `SELECT 9007199254740993::int8 AS big, (-9223372036854775808)::int8 AS min8,
              123456789012345678901234567890.123456789012::numeric AS n, 0.1::numeric AS tenth`,
    );
    expect(text).toMatch(/"big":\s*9007199254740993[,}]/);
    expect(text).toMatch(/"min8":\s*-9223372036854775808[,}]/);
    // The spec allows a string or a JSON number, as long as every digit survives.
    expect(text).toMatch(/"n":\s*"?123456789012345678901234567890\.123456789012"?[,}]/);
    expect(text).toMatch(/"tenth":\s*"?0\.1"?[,}]/);
  });

  it('map timestamptz to RFC 3339, timestamp and date to ISO text, keeping microseconds', async () => {
    const text = await resultText(
      `SELECT '2024-02-29 13:14:15.123456+00'::timestamptz AS tz,
              '2024-02-29 13:14:15.123456'::timestamp AS ts,
              '2024-02-29 13:14:15'::timestamp AS ts0,
              '2024-02-29'::date AS d`,
    );
    const row = (JSON.parse(text) as { rows: Record<string, string>[] }).rows[0];
    expect(row.tz).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.123456(Z|[+-]\d\d:\d\d)$/);
    expect(new Date(row.tz).toISOString()).toBe('2024-02-29T13:14:15.123Z');
    expect(row.ts).toBe('2024-02-29T13:14:15.123456');
    expect(row.ts0).toBe('2024-02-29T13:14:15');
    expect(row.d).toBe('2024-02-29');
  });

  it('embed json and jsonb natively, map arrays to JSON arrays and NULL to null', async () => {
    const text = await resultText(
      `SELECT '{"a":[1,{"b":null}]}'::json AS j, '{"k":"v","n":12345678901234567890}'::jsonb AS jb,
              ARRAY[1,2,3] AS ints, ARRAY['x','y'] AS texts, ARRAY[[1,2],[3,4]] AS nested,
              '{}'::int[] AS empty_arr, NULL::text AS nothing, NULL::int AS no_int`,
    );
    expect(text).toMatch(/"jb":\s*\{"k":\s*"v",\s*"n":\s*12345678901234567890\}/);
    const row = (JSON.parse(text) as { rows: Record<string, unknown>[] }).rows[0];
    expect(row).toEqual({
      j: { a: [1, { b: null }] }, jb: { k: 'v', n: 12345678901234567890 }, ints: [1, 2, 3], texts: ['x', 'y'],
      nested: [[1, 2], [3, 4]], empty_arr: [], nothing: null, no_int: null,
    });
  });

  it('map float NaN and infinities to null, as the contract says', async () => {
    const done = await runWorkflow(
      fx,
      `'SELECT ''NaN''::float8 AS nan, ''Infinity''::float8 AS inf, ''-Infinity''::float4 AS ninf'`,
    );
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ rows: [{ nan: null, inf: null, ninf: null }], row_count: 1 });
  });

  // Documented difference from the contract: bytea comes out as PostgreSQL's hex text.
  it('map bytea to its hex text and other types to their text output', async () => {
    const done = await runWorkflow(
      fx,
      `'SELECT ''\\x48656c6c6f''::bytea AS bin, ''1 day 02:00:00''::interval AS iv, ''10.0.0.1/8''::inet AS net'`,
    );
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ rows: [{ bin: '\\x48656c6c6f', iv: '1 day 02:00:00', net: '10.0.0.1/8' }], row_count: 1 });
  });

  it('keep whole rows whatever the columns are called (a column named t)', async () => {
    const done = await runWorkflow(fx, `'SELECT 1 AS t, 2 AS r'`);
    expect(done.result).toEqual({ rows: [{ t: 1, r: 2 }], row_count: 1 });
    const ret = await runWorkflow(fx, `'INSERT INTO items VALUES (-50, ''fifty'') RETURNING id AS t, name'`);
    expect(ret.result).toEqual({ rows: [{ t: -50, name: 'fifty' }], row_count: 1 });
  });

  it('keep the column order of the statement in df.result text', async () => {
    const text = await resultText(`SELECT 1 AS zeta, 2 AS alpha, 3 AS "10", 4 AS mid, 5 AS "2"`);
    const keys = [...text.matchAll(/"(zeta|alpha|10|mid|2)":/g)].map((m) => m[1]);
    expect(keys).toEqual(['zeta', 'alpha', '10', 'mid', '2']);
  });

  it('give the rows of DML with RETURNING', async () => {
    const done = await runWorkflow(
      fx,
      `'INSERT INTO items VALUES (10, ''ten''), (11, ''eleven'') RETURNING id, upper(name) AS loud'`,
    );
    expect(done.result).toEqual({ rows: [{ id: 10, loud: 'TEN' }, { id: 11, loud: 'ELEVEN' }], row_count: 2 });
    const upd = await runWorkflow(fx, `'UPDATE items SET name = name || ''!'' WHERE id >= 10 RETURNING id'`);
    expect((upd.result as { row_count: number }).row_count).toBe(2);
    const del = await runWorkflow(fx, `'DELETE FROM items WHERE id = 11 RETURNING name'`);
    expect(del.result).toEqual({ rows: [{ name: 'eleven!' }], row_count: 1 });
  });

  it('give the affected-row count for DML without RETURNING', async () => {
    expect((await runWorkflow(fx, `'INSERT INTO items VALUES (20, ''a''), (21, ''b''), (22, ''c'')'`)).result).toEqual({
      rows: [],
      row_count: 3,
    });
    expect((await runWorkflow(fx, `'UPDATE items SET name = ''z'' WHERE id >= 20'`)).result).toEqual({
      rows: [],
      row_count: 3,
    });
    expect((await runWorkflow(fx, `'DELETE FROM items WHERE id IN (20, 21)'`)).result).toEqual({
      rows: [],
      row_count: 2,
    });
    expect((await runWorkflow(fx, `'DELETE FROM items WHERE id = -1'`)).result).toEqual({ rows: [], row_count: 0 });
    expect(await fx.value('SELECT count(*)::int FROM items WHERE id >= 20')).toBe(1);
  });

  it('give the rows of a data-modifying WITH that ends in SELECT', async () => {
    const done = await runWorkflow(
      fx,
      `'WITH ins AS (INSERT INTO items VALUES (30, ''thirty'') RETURNING id) SELECT id * 2 AS twice FROM ins'`,
    );
    expect(done.result).toEqual({ rows: [{ twice: 60 }], row_count: 1 });
  });

  it('keep values exact and columns in order in a data-modifying WITH that ends in SELECT', async () => {
    const done = await runWorkflow(
      fx,
      `'WITH ins AS (INSERT INTO items VALUES (31, ''x'') RETURNING id)
        SELECT id AS zeta, 9007199254740993::int8 AS big, 1.10::numeric AS n,
               ''2024-01-01 00:00:00.123456''::timestamp AS ts, 5 AS "1" FROM ins'`,
    );
    expect(done.status).toBe('completed');
    expect(done.resultText).toMatch(/"big":\s*9007199254740993[,}]/);
    expect(done.resultText).toMatch(/"n":\s*"?1\.10"?[,}]/);
    expect(done.resultText).toMatch(/"ts":\s*"2024-01-01T00:00:00\.123456"/);
    const keys = [...(done.resultText as string).matchAll(/"(zeta|big|n|ts|1)":/g)].map((m) => m[1]);
    expect(keys).toEqual(['zeta', 'big', 'n', 'ts', '1']);
  });

  it('run SELECT … INTO as one statement that creates the table', async () => {
    const done = await runWorkflow(fx, `'SELECT id, name INTO items_copy FROM items WHERE id IN (1, 2)'`);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [], row_count: 2 });
    expect(await fx.value('SELECT count(*)::int FROM items_copy')).toBe(2);
  });

  it('accept one statement with a trailing semicolon and semicolons inside literals', async () => {
    const done = await runWorkflow(fx, `'SELECT '';'' AS semi, 1 AS one; '`);
    expect(done.result).toEqual({ rows: [{ semi: ';', one: 1 }], row_count: 1 });
  });

  it('fail the step when it holds several statements, and run none of them', async () => {
    const done = await runWorkflow(fx, `'INSERT INTO items VALUES (40, ''x''); SELECT 1'`);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/one SQL statement/);
    expect(await fx.value('SELECT count(*)::int FROM items WHERE id = 40')).toBe(0);
  });

  // Statements that cannot run in a transaction block: test/sql/maintenance.
  it('hand VACUUM to a statement runner instead of running it: with none, it waits, visibly', async () => {
    const id = await fx.value<string>(`SELECT df.start('VACUUM items')`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await fx.value(`SELECT df.status($1)`, [id])).toBe('running');
    expect(await fx.value(`SELECT status || ' ' || (status_details ->> 'dispatched') FROM df.instance_nodes($1)`, [id])).toBe('running statement');
    await fx.user.query(`SELECT df.cancel($1)`, [id]);
  });

  it('fail the instance with the statement error text', async () => {
    const done = await runWorkflow(fx, `'SELECT * FROM no_such_table'`);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/relation "no_such_table" does not exist/);
    expect(done.result).toBeNull();
  });
});
