// Spec section 7: float4/8 → number, NaN and ±Infinity → null (numeric's too, for the same
// reason). row_to_json writes them as the strings "NaN", "Infinity", "-Infinity", like text
// holding those words, so the rows whose JSON holds such a string are looked at again with
// their column types (df._non_finite_as_null); every other value stays byte-exact.
// Also: test/unit/engine/sql_step_json_keeps_the_fast_path_for_ordinary_rows.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { withClient } from '../../support/server.js';
import { runWorkflow } from '../../support/workflow.js';

// Worker sessions plan parallel scans wherever they can, as a busy server would.
const PARALLEL = `SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
                  SET max_parallel_workers_per_gather = 2`;

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_nonfinite');
  await fx.user.query(`CREATE TYPE mood AS ENUM ('NaN', 'Infinity', 'calm')`);
  await fx.user.query(`CREATE DOMAIN celsius AS float8 CHECK (VALUE < 100)`);
  await fx.user.query(`CREATE DOMAIN readings_list AS float8[]`);
  await fx.user.query(`CREATE TYPE pair AS (t text, f float8)`);
  await fx.user.query(`CREATE DOMAIN label AS text CHECK (VALUE IN ('NaN', 'Infinity', '-Infinity'))`);
  await fx.user.query(`CREATE TABLE readings (id int PRIMARY KEY, v float8, note text)`);
  await fx.user.query(
    `CREATE TABLE sensor AS
     SELECT i, CASE WHEN i % 300 = 0 THEN 'NaN'::float8 ELSE i / 8.0::float8 END AS v,
            CASE WHEN i % 700 = 0 THEN 'NaN'::mood ELSE 'calm' END AS m
     FROM generate_series(1, 30000) AS i`,
  );
  await fx.user.query(`ANALYZE sensor`);
  const admin = await fx.scratch.admin();
  for (const set of PARALLEL.split(';')) await admin.query(`ALTER ROLE "${fx.role}" ${set.trim()}`);
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

/** Runs one SQL step and gives df.result as text (exact digits, key order as stored). */
async function resultText(query: string): Promise<string> {
  const done = await runWorkflow(fx, `df.sql($1)`, [query]);
  expect(done.error, query).toBeNull();
  expect(done.status).toBe('completed');
  return done.resultText as string;
}

/** What row_to_json alone makes of the query's rows, in the step result's shape. */
async function rowToJsonText(query: string): Promise<string> {
  return fx.value<string>(
    `SELECT '{"rows":[' || coalesce(string_agg(row_to_json(s)::text, ','), '') || '],"row_count":' || count(*) || '}'
     FROM (${query}) s`,
  );
}

const rows = (...r: string[]) => `{"rows":[${r.join(',')}],"row_count":${r.length}}`;

describe('SQL step results with non-finite numbers', () => {
  it('turn float8 and float4 NaN, Infinity and -Infinity into null', async () => {
    expect(
      await resultText(
        `SELECT 'NaN'::float8 AS a, 'Infinity'::float8 AS b, '-Infinity'::float8 AS c,
                'NaN'::float4 AS d, 'Infinity'::float4 AS e, '-Infinity'::float4 AS f, 1.5::float8 AS g`,
      ),
    ).toBe(rows('{"a":null,"b":null,"c":null,"d":null,"e":null,"f":null,"g":1.5}'));
  });

  it('turn numeric NaN, Infinity and -Infinity into null too, and those of a checked domain over float8', async () => {
    expect(
      await resultText(
        `SELECT 'NaN'::numeric AS a, 'Infinity'::numeric AS b, '-Infinity'::numeric AS c,
                '-Infinity'::celsius AS d, 2.50::numeric AS e`,
      ),
    ).toBe(rows('{"a":null,"b":null,"c":null,"d":null,"e":2.50}'));
  });

  it('keep text, varchar, char and name holding those words as strings', async () => {
    const query = `SELECT 'NaN'::text AS a, 'Infinity'::varchar AS b, '-Infinity'::text AS c,
                          'NaN'::char(3) AS d, 'Infinity'::name AS e`;
    expect(await resultText(query)).toBe(rows('{"a":"NaN","b":"Infinity","c":"-Infinity","d":"NaN","e":"Infinity"}'));
  });

  it('keep an enum label NaN and a checked domain as strings without failing the step', async () => {
    expect(await resultText(`SELECT 'NaN'::mood AS m`)).toBe(rows('{"m":"NaN"}'));
    expect(await resultText(`SELECT 'Infinity'::mood AS m, 'NaN'::label AS l, 'NaN'::float8 AS f, 'NaN'::text AS t`)).toBe(
      rows('{"m":"Infinity","l":"NaN","f":null,"t":"NaN"}'),
    );
  });

  it('keep every other value of the row byte-exact: int8, numeric digits, timestamps, key order, escaped keys', async () => {
    const columns = (nan: string) => `SELECT 9007199254740993::int8 AS zeta, ${nan} AS "we""ird\\ key\n\tx",
       123456789012345678901234567890.123456789012::numeric AS alpha,
       '2024-02-29 13:14:15.123456'::timestamp AS ts, '2024-02-29'::date AS d, 'héllo "q" \\ end'::text AS "é",
       '{"b":[1,{"c":"NaN"}],"a":1.10}'::json AS j, ARRAY[1,2] AS ints, true AS "2", NULL::float8 AS "1"`;
    const text = await resultText(columns(`'-Infinity'::float4`));
    // The same row with the number NULL, as row_to_json writes it.
    expect(text).toBe(await rowToJsonText(columns('NULL::float4')));
    expect(text).toContain('"zeta":9007199254740993,"we\\"ird\\\\ key\\n\\tx":null,"alpha":123456789012345678901234567890.123456789012,');
  });

  it('turn the non-finite elements of float and numeric arrays into null, at any depth', async () => {
    expect(
      await resultText(
        `SELECT ARRAY['NaN', 1.25, '-Infinity']::float8[] AS a, ARRAY[['Infinity'], [2]]::float4[] AS b,
                ARRAY['NaN', 3.10]::numeric[] AS c, ARRAY['NaN', 'x'] AS t, ARRAY['NaN']::mood[] AS m,
                ARRAY[ROW('NaN', 'NaN')::pair] AS p, '{NaN,0.5}'::readings_list AS d, ARRAY['-Infinity']::celsius[] AS dd`,
      ),
    ).toBe(
      rows(
        '{"a":[null,1.25,null],"b":[[null],[2]],"c":[null,3.10],"t":["NaN","x"],"m":["NaN"],"p":[{"t":"NaN","f":"NaN"}],' +
          '"d":[null,0.5],"dd":[null]}',
      ),
    );
  });

  it('tell columns that share a name apart by position', async () => {
    expect(await resultText(`SELECT 'NaN'::float8 AS a, 'NaN'::text AS a, 'NaN'::float8 AS b`)).toBe(
      rows('{"a":null,"a":"NaN","b":null}'),
    );
    expect(await resultText(`SELECT 'Infinity'::text AS a, 'NaN'::float8 AS a, '-Infinity'::float4 AS a, 2::float8 AS a`)).toBe(
      rows('{"a":"Infinity","a":null,"a":null,"a":2}'),
    );
    expect(await resultText(`SELECT 'NaN'::float8 AS a, 2::float8 AS a, 'NaN'::mood AS m, 'Infinity'::float8 AS b`)).toBe(
      rows('{"a":null,"a":2,"m":"NaN","b":null}'),
    );
  });

  it('turn them into null in the rows of DML with RETURNING', async () => {
    expect(
      await resultText(
        `INSERT INTO readings VALUES (1, 'NaN', 'NaN'), (2, 'Infinity', 'ok'), (3, 0.5, 'Infinity') RETURNING *`,
      ),
    ).toBe(
      rows('{"id":1,"v":null,"note":"NaN"}', '{"id":2,"v":null,"note":"ok"}', '{"id":3,"v":0.5,"note":"Infinity"}'),
    );
    expect(await resultText(`UPDATE readings SET v = '-Infinity' WHERE id = 3 RETURNING id, v, note`)).toBe(
      rows('{"id":3,"v":null,"note":"Infinity"}'),
    );
  });

  it('turn them into null in a data-modifying WITH that ends in SELECT', async () => {
    expect(
      await resultText(
        `WITH ins AS (INSERT INTO readings VALUES (10, 'NaN', 'NaN') RETURNING id, v, note)
         SELECT id, v, note, v::text AS v_text FROM ins`,
      ),
    ).toBe(rows('{"id":10,"v":null,"note":"NaN","v_text":"NaN"}'));
  });

  it('change only the suspicious rows of many', async () => {
    const query = `SELECT i, CASE WHEN i % 97 = 0 THEN 'NaN'::float8 WHEN i % 89 = 0 THEN '-Infinity' ELSE i / 4.0::float8 END AS v,
                          CASE WHEN i % 83 = 0 THEN 'NaN' ELSE 'row ' || i END AS t
                   FROM generate_series(1, 2000) AS i`;
    const text = await resultText(query);
    const expected: string[] = [];
    for (let i = 1; i <= 2000; i++) {
      const v = i % 97 === 0 || i % 89 === 0 ? 'null' : String(i / 4);
      const t = i % 83 === 0 ? 'NaN' : `row ${i}`;
      expected.push(`{"i":${i},"v":${v},"t":"${t}"}`);
    }
    expect(text).toBe(rows(...expected));
  });

  it('leave rows without those strings exactly as row_to_json writes them, look-alikes included', async () => {
    const query = `SELECT 'nan'::text AS a, 'BaNaN' AS c, 'Infinity"' AS d, '"NaN"'::json AS e,
                          '{"x":"NaN"}'::jsonb AS f, ARRAY['Infinity'] AS g, ROW(1, 'NaN'::float8) AS h,
                          '[1,"NaN"]'::json AS k, '["NaN"]'::jsonb AS k2, 'calm'::mood AS m`;
    const text = await resultText(query);
    expect(text).toBe(await rowToJsonText(query));
    // A composite column's fields are not columns of the row: its NaN stays a string.
    expect(text).toContain('"h":{"f1":1,"f2":"NaN"}');
  });

  it('turn them into null in a query that runs in parallel', async () => {
    const query = `SELECT i, v, m FROM sensor WHERE i % 50 = 0 ORDER BY i`;
    // A new session of the role plans it with a Gather, as the worker sessions do; a
    // subtransaction (a PL/pgSQL exception block) would fail in its parallel mode.
    const plan = await withClient(fx.url, async (c) => (await c.query(`EXPLAIN (COSTS OFF) ${query}`)).rows);
    expect(plan.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toMatch(/Gather/);
    const expected: string[] = [];
    for (let i = 50; i <= 30000; i += 50) {
      const v = i % 300 === 0 ? 'null' : String(i / 8);
      const m = i % 700 === 0 ? 'NaN' : 'calm';
      expected.push(`{"i":${i},"v":${v},"m":"${m}"}`);
    }
    expect(await resultText(query)).toBe(rows(...expected));
  });

  it('leave ordinary rows unchanged (the fast path)', async () => {
    const query = `SELECT i AS n, i * 1.5::float8 AS f, ('note ' || i)::text AS "Note", date '2024-02-29' - i AS d
                   FROM generate_series(1, 300) AS i`;
    expect(await resultText(query)).toBe(await rowToJsonText(query));
  });
});

describe('SQL step results with non-finite numbers, when public comes first on the search_path', () => {
  let trapped: EngineFixture;
  // Functions and operators named like the ones that look at suspicious rows, planted in
  // public by another role; the submitting role puts public before pg_catalog.
  const TRAPS = `
    CREATE FUNCTION public.strpos(text, text) RETURNS int LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: strpos'; END$$;
    CREATE FUNCTION public.row_to_json(record) RETURNS json LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: row_to_json'; END$$;
    CREATE FUNCTION public.json_each(json, OUT key text, OUT value json) RETURNS SETOF record LANGUAGE plpgsql
      AS $$BEGIN RAISE EXCEPTION 'trap: json_each'; END$$;
    CREATE FUNCTION public.record_send(record) RETURNS bytea LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: record_send'; END$$;
    CREATE FUNCTION public.get_byte(bytea, int) RETURNS int LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: get_byte'; END$$;
    CREATE FUNCTION public.to_json(text) RETURNS json LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: to_json'; END$$;
    CREATE FUNCTION public.left(text, int) RETURNS text LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: left'; END$$;
    CREATE FUNCTION public.regexp_replace(text, text, text, text) RETURNS text LANGUAGE plpgsql
      AS $$BEGIN RAISE EXCEPTION 'trap: regexp_replace'; END$$;
    CREATE FUNCTION public.trap_ne(int, int) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: <>'; END$$;
    CREATE OPERATOR public.<> (LEFTARG = int, RIGHTARG = int, FUNCTION = public.trap_ne);
    CREATE FUNCTION public.trap_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap: ='; END$$;
    CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trap_eq);`;

  beforeAll(async () => {
    trapped = await engineFixture('n_nonfinite_paths');
    await trapped.user.query(`CREATE TYPE mood AS ENUM ('NaN', 'calm')`);
    const admin = await trapped.scratch.admin();
    await admin.query(TRAPS);
    await admin.query(`ALTER ROLE "${trapped.role}" SET search_path = public, pg_catalog`);
    await trapped.user.query(`SET search_path = public, pg_catalog`);
    await trapped.startWorkers(1);
  });
  afterAll(async () => trapped?.close());

  it('reach none of them', async () => {
    await expect(trapped.value(`SELECT strpos('a', 'b')`)).rejects.toThrow('trap: strpos');
    await expect(trapped.value(`SELECT 1 <> 2`)).rejects.toThrow('trap: <>');
    const done = await runWorkflow(trapped, `df.sql($1)`, [
      `SELECT 'NaN'::float8 AS f, 'NaN'::mood AS m, 'NaN'::text AS t, ARRAY['Infinity', 1]::float8[] AS a, 'x' AS "k""ey"`,
    ]);
    expect(done.error).toBeNull();
    expect(done.resultText).toBe(rows('{"f":null,"m":"NaN","t":"NaN","a":[null,1],"k\\"ey":"x"}'));
  });
});
