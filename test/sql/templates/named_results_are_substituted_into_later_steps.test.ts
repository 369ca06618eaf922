// $name templates: named results of earlier steps substituted as SQL literals ($name,
// $name?, $name.col), as a table ($name.*) or as an array (= ANY($name)), never inside string
// literals, quoted identifiers, comments or dollar-quoted bodies (spec section 6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('t_results');
  await fx.user.query('CREATE TABLE documents (id int PRIMARY KEY, processed boolean NOT NULL DEFAULT false)');
  await fx.user.query('CREATE TABLE archive (id int)');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

describe('$name', () => {
  it('gives the first column of the first row as a literal of its type', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 41 AS n, ''ignored'' AS other' |=> 'a')
       ~> ('SELECT ''it''''s'' AS s' |=> 'b')
       ~> ('SELECT true AS t' |=> 'c')
       ~> ('SELECT 9007199254740993::int8 AS big' |=> 'd')
       ~> 'SELECT $a + 1 AS n, $b AS s, $c AS t, ($d + 0)::text AS big, pg_typeof($a)::text AS ta'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ n: 42, s: "it's", t: true, big: '9007199254740993', ta: 'integer' }], row_count: 1 });
  });

  it('gives JSON objects and arrays as quoted JSON text', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT ''{"k": [1, "x''''y"]}''::jsonb AS j' |=> 'j') ~> 'SELECT ($j::jsonb -> ''k'' ->> 1) AS v'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ v: "x'y" }], row_count: 1 });
  });

  it('fails the step when the result has no rows or a NULL', async () => {
    const none = await runWorkflow(fx, `('SELECT 1 AS x WHERE false' |=> 'e') ~> 'SELECT $e AS v'`);
    expect(none.status).toBe('failed');
    expect(none.error).toMatch(/\$e has no rows/);
    const nul = await runWorkflow(fx, `('SELECT NULL::int AS x' |=> 'e') ~> 'SELECT $e AS v'`);
    expect(nul.status).toBe('failed');
    expect(nul.error).toMatch(/\$e is NULL/);
  });

  it('with ? gives NULL for no rows or NULL', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS x WHERE false' |=> 'e') ~> ('SELECT NULL::int AS x' |=> 'n')
       ~> 'SELECT $e? IS NULL AS e_null, $n? IS NULL AS n_null, coalesce($e?, 7) AS fallback'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ e_null: true, n_null: true, fallback: 7 }], row_count: 1 });
  });

  it('.col picks a column of the first row, .col? is null-safe', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS a, ''two'' AS b, NULL::text AS c' |=> 'r') ~> 'SELECT $r.b AS b, $r.a * 10 AS a, $r.c? IS NULL AS c'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ b: 'two', a: 10, c: true }], row_count: 1 });
    const missing = await runWorkflow(fx, `('SELECT 1 AS a' |=> 'r') ~> 'SELECT $r.nope AS v'`);
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/no column "nope"/);
  });

  it('substitutes a JOIN result (not a row set) as its whole JSON text', async () => {
    const done = await runWorkflow(
      fx,
      `(('SELECT 1 AS a' & 'SELECT 2 AS b') |=> 'j') ~> 'SELECT jsonb_array_length($j::jsonb) AS n'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ n: 2 }], row_count: 1 });
  });

  it('uses the longest name with a word boundary and leaves unknown names and $1 alone', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS v' |=> 'x') ~> ('SELECT 2 AS v' |=> 'xy') ~> 'SELECT $xy AS xy, $x AS x, ''$1 $zz'' AS lit'`,
    );
    expect(done.result).toEqual({ rows: [{ xy: 2, x: 1, lit: '$1 $zz' }], row_count: 1 });
  });

  it('is not substituted inside string literals, quoted identifiers, comments or dollar quotes', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 5 AS v' |=> 'v')
       ~> 'SELECT ''$v'' AS lit, $v AS val, E''\\\\$v'' AS esc, $q$ $v $q$ AS dollar, 1 AS "$v" /* $v */ -- $v
          '`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ lit: '$v', val: 5, esc: '\\$v', dollar: ' $v ', $v: 1 }], row_count: 1 });
  });
});

describe('$name.*', () => {
  it('expands to the whole row set as a table', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT g AS id, ''n'' || g AS name FROM generate_series(1, 3) g' |=> 'rows')
       ~> 'SELECT count(*)::int AS n, sum(id)::int AS total, string_agg(name, '','' ORDER BY id) AS names FROM $rows.*'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ n: 3, total: 6, names: 'n1,n2,n3' }], row_count: 1 });
  });

  it('expands an empty result to a zero-row table', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS id WHERE false' |=> 'rows') ~> 'SELECT count(*)::int AS n FROM $rows.*'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ n: 0 }], row_count: 1 });
  });

  it('drives the canonical batch loop until no rows are left', async () => {
    await fx.user.query('TRUNCATE documents, archive');
    await fx.user.query('INSERT INTO documents (id) SELECT generate_series(1, 7)');
    const done = await runWorkflow(
      fx,
      `@> (
         ('SELECT id FROM documents WHERE processed = false ORDER BY id LIMIT 3' |=> 'batch')
         ~> df.if_rows('batch',
              'INSERT INTO archive SELECT id FROM $batch.*'
              ~> 'UPDATE documents d SET processed = true FROM $batch.* WHERE d.id = batch.id',
              df.break('done'))
       )`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toBe('done');
    expect(await fx.value('SELECT count(*)::int FROM documents WHERE NOT processed')).toBe(0);
    const { rows } = await fx.user.query('SELECT id FROM archive ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('= ANY($name)', () => {
  it('runs the spec canonical documents example as written', async () => {
    await fx.user.query('TRUNCATE documents');
    await fx.user.query('INSERT INTO documents (id) SELECT generate_series(1, 150)');
    const id = await fx.value<string>(`
SELECT df.start(
  'SELECT id FROM documents WHERE processed = false LIMIT 100'
  |=> 'batch'
  ~> 'UPDATE documents SET processed = true WHERE id = ANY($batch)'
)`);
    const { awaitWorkflow } = await import('../../support/workflow.js');
    const done = await awaitWorkflow(fx, id);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [], row_count: 100 });
    expect(await fx.value('SELECT count(*)::int FROM documents WHERE processed')).toBe(100);
  });

  it('gives an empty array for an empty result', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT id FROM documents WHERE false' |=> 'batch') ~> 'SELECT count(*)::int AS n FROM documents WHERE id = ANY($batch)'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ n: 0 }], row_count: 1 });
  });
});
