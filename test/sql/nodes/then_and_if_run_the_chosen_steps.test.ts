// THEN runs right after left and gives right's result; IF takes one arm by the truthiness of
// its condition (spec sections 7-9); df.if_rows tests a named result for rows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_thenif');
  await fx.user.query('CREATE TABLE trail (seq serial, what text)');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.user.query('TRUNCATE trail');
});

async function trail(): Promise<string[]> {
  const { rows } = await fx.user.query('SELECT what FROM trail ORDER BY seq');
  return rows.map((r) => r.what as string);
}

const mark = (what: string) => `'INSERT INTO trail (what) VALUES (''${what}'')'`;

describe('THEN', () => {
  it('runs left then right and gives the right result', async () => {
    const done = await runWorkflow(fx, `${mark('a')} ~> ${mark('b')} ~> 'SELECT count(*)::int AS n FROM trail'`);
    expect(done.result).toEqual({ rows: [{ n: 2 }], row_count: 1 });
    expect(await trail()).toEqual(['a', 'b']);
  });

  it('lets the right step see what the left step committed', async () => {
    const done = await runWorkflow(fx, `${mark('seen')} ~> 'SELECT what FROM trail'`);
    expect(done.result).toEqual({ rows: [{ what: 'seen' }], row_count: 1 });
  });
});

describe('IF', () => {
  const cases: [string, string, boolean][] = [
    ['true', 'SELECT true', true],
    ['false', 'SELECT false', false],
    ['no rows', 'SELECT 1 WHERE false', false],
    ['zero', 'SELECT 0', false],
    ['non-zero', 'SELECT 42', true],
    ['NULL', 'SELECT NULL::int', false],
    ['empty string', `SELECT ''''`, false],
    ['blank string', `SELECT ''   ''`, false],
    ["'yes'", `SELECT ''yes''`, true],
    ["'f'", `SELECT ''f''`, false],
    ["'no'", `SELECT ''no''`, false],
    ["numeric text '0.0'", `SELECT ''0.0''`, false],
    ["other text 'banana'", `SELECT ''banana''`, true],
    ['empty json array', `SELECT ''[]''::jsonb`, false],
    ['non-empty json object', `SELECT ''{"a":1}''::jsonb`, true],
    ['DML affecting rows (no rows returned)', `UPDATE trail SET what = what`, false],
  ];
  for (const [label, cond, truthy] of cases) {
    it(`takes the ${truthy ? 'then' : 'else'} arm for ${label}`, async () => {
      const done = await runWorkflow(fx, `df.if('${cond}', 'SELECT ''then'' AS arm', 'SELECT ''else'' AS arm')`);
      expect(done.error).toBeNull();
      expect(done.result).toEqual({ rows: [{ arm: truthy ? 'then' : 'else' }], row_count: 1 });
    });
  }

  it('runs only the taken arm', async () => {
    await runWorkflow(fx, `df.if('SELECT true', ${mark('then')}, ${mark('else')})`);
    await runWorkflow(fx, `df.if('SELECT false', ${mark('then2')}, ${mark('else2')})`);
    expect(await trail()).toEqual(['then', 'else2']);
  });

  it('works through the ?> !> operators', async () => {
    const yes = await runWorkflow(fx, `'SELECT 1 = 1' ?> 'SELECT ''yes'' AS r' !> 'SELECT ''no'' AS r'`);
    expect(yes.result).toEqual({ rows: [{ r: 'yes' }], row_count: 1 });
    const no = await runWorkflow(fx, `'SELECT 1 = 2' ?> 'SELECT ''yes'' AS r' !> 'SELECT ''no'' AS r'`);
    expect(no.result).toEqual({ rows: [{ r: 'no' }], row_count: 1 });
  });

  it('makes the whole left chain the condition of ?> (one precedence level)', async () => {
    // SEQ(mark, 'SELECT false') is the condition: the mark runs, then the else arm.
    const done = await runWorkflow(fx, `${mark('cond')} ~> 'SELECT false' ?> ${mark('then')} !> ${mark('else')}`);
    expect(done.status).toBe('completed');
    expect(await trail()).toEqual(['cond', 'else']);
  });

  it('refuses a ?> expression without !> and a !> without ?>', async () => {
    await expect(fx.value(`SELECT df.start('SELECT true' ?> 'SELECT 1')`)).rejects.toThrow(/\?>|partial|!>/);
    await expect(fx.value(`SELECT 'SELECT 1' !> 'SELECT 2'`)).rejects.toThrow(/left side of !> must be a \?> expression/);
  });

  it('fails when the condition fails, running neither arm', async () => {
    const done = await runWorkflow(fx, `df.if('SELECT 1/0', ${mark('then')}, ${mark('else')})`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('division by zero');
    expect(await trail()).toEqual([]);
  });

  it('gives the taken arm result to the steps after it', async () => {
    const done = await runWorkflow(
      fx,
      `(df.if('SELECT true', 'SELECT 7 AS v', 'SELECT 8 AS v') |=> 'picked') ~> 'SELECT $picked * 2 AS v'`,
    );
    expect(done.result).toEqual({ rows: [{ v: 14 }], row_count: 1 });
  });
});

describe('df.if_rows', () => {
  it('takes the then arm when the named result has rows', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS x' |=> 'found') ~> df.if_rows('found', 'SELECT ''rows'' AS arm', 'SELECT ''none'' AS arm')`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ arm: 'rows' }], row_count: 1 });
  });

  it('takes the then arm when the named result bound steps earlier has rows', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS x' |=> 'found') ~> 'SELECT 2' ~> df.if_rows('found', 'SELECT ''rows'' AS arm', 'SELECT ''none'' AS arm')`,
    );
    expect(done.result).toEqual({ rows: [{ arm: 'rows' }], row_count: 1 });
  });

  it('takes the else arm when the named result has no rows', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS x WHERE false' |=> 'found') ~> 'SELECT 2' ~> df.if_rows('found', 'SELECT ''rows'' AS arm', 'SELECT ''none'' AS arm')`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ arm: 'none' }], row_count: 1 });
  });

  it('sees the value the name holds now, not one bound earlier in the instance', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 1 AS x WHERE false' |=> 'found') ~> ('SELECT 1 AS x' |=> 'found')
        ~> df.if_rows('found', 'SELECT ''rows'' AS arm', 'SELECT ''none'' AS arm')`,
    );
    expect(done.result).toEqual({ rows: [{ arm: 'rows' }], row_count: 1 });
  });

  it('rejects an invalid result name at build time', async () => {
    await expect(fx.value(`SELECT df.if_rows('not a name', 'SELECT 1', 'SELECT 2')`)).rejects.toThrow(/result name/);
  });

  it("runs envelopes in the reference's form and in pg_durable 0.1.0's", async () => {
    // An IF envelope written by hand, as a SQL literal.
    const envelope = (query: object) => {
      const env = {
        node_type: 'IF',
        left_node: { node_type: 'SQL', query: "SELECT 'rows' AS arm" },
        right_node: { node_type: 'SQL', query: "SELECT 'none' AS arm" },
        query: JSON.stringify(query),
      };
      return `('SELECT 1 AS x' |=> 'found') ~> '${JSON.stringify(env).replace(/'/g, "''")}'`;
    };
    for (const query of [{ condition_type: 'result_has_rows', result_name: 'found' }, { if_rows: 'found' }]) {
      const done = await runWorkflow(fx, envelope(query));
      expect(done.error).toBeNull();
      expect(done.result).toEqual({ rows: [{ arm: 'rows' }], row_count: 1 });
    }
  });
});
