// Substitution is injection-safe: a value holding quotes, backslashes, dollar quotes or a whole
// "'; DROP TABLE x; --" is stored and read back exactly, through $name, $name.col, $name.*,
// ANY($name) and break values, whatever standard_conforming_strings is (spec section 6).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

const HOSTILE = [
  `O'Brien`,
  `'; DROP TABLE x; --`,
  `\\'; DROP TABLE x; --`,
  `back\\slash\\`,
  `\\\\ two backslashes`,
  `'' doubled '' quotes`,
  `$$ dollar $$ $q$ tag $q$`,
  `E'\\x41' escape`,
  `"double" quotes`,
  `/* comment */ -- dash`,
  `line\nbreak\ttab`,
  `unicode ✓ é 𝄞`,
  `$v $1 {var}`,
];

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('t_inject');
  await fx.user.query('CREATE TABLE x (keep int)');
  await fx.user.query('INSERT INTO x VALUES (1)');
  await fx.user.query('CREATE TABLE hostile (i int, v text)');
  await fx.user.query('CREATE TABLE copied (i int, v text)');
  for (const [i, v] of HOSTILE.entries()) await fx.user.query('INSERT INTO hostile VALUES ($1, $2)', [i, v]);
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.user.query('TRUNCATE copied');
});

async function copiedValues(): Promise<string[]> {
  const { rows } = await fx.user.query('SELECT v FROM copied ORDER BY i');
  return rows.map((r) => r.v as string);
}

async function expectEveryValueCopied(): Promise<void> {
  expect(await copiedValues()).toEqual(HOSTILE);
  expect(await fx.value('SELECT count(*)::int FROM x')).toBe(1);
}

function roundTrips(): void {
  it('through $name and $name.col, one value at a time', async () => {
    for (const i of HOSTILE.keys()) {
      const done = await runWorkflow(
        fx,
        `('SELECT v, i FROM hostile WHERE i = ${i}' |=> 'h') ~> 'INSERT INTO copied VALUES ($h.i, $h) RETURNING v'`,
      );
      expect(done.error).toBeNull();
      expect(done.result).toEqual({ rows: [{ v: HOSTILE[i] }], row_count: 1 });
    }
    await expectEveryValueCopied();
  });

  it('through $name.*', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT i, v FROM hostile ORDER BY i' |=> 'h') ~> 'INSERT INTO copied SELECT i, v FROM $h.*'`,
    );
    expect(done.error).toBeNull();
    await expectEveryValueCopied();
  });

  it('through = ANY($name)', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT v FROM hostile' |=> 'h') ~> 'INSERT INTO copied SELECT i, v FROM hostile WHERE v = ANY($h)'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [], row_count: HOSTILE.length });
    await expectEveryValueCopied();
  });

  it('through a JSON value holding them', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT jsonb_agg(v ORDER BY i) AS j FROM hostile' |=> 'h')
       ~> 'INSERT INTO copied SELECT ord - 1, e FROM jsonb_array_elements_text($h::jsonb) WITH ORDINALITY AS a(e, ord)'`,
    );
    expect(done.error).toBeNull();
    await expectEveryValueCopied();
  });
}

describe('hostile values', () => {
  roundTrips();

  it('come back exactly as a break value', async () => {
    const done = await runWorkflow(fx, `('SELECT v FROM hostile WHERE i = 1' |=> 'h') ~> df.loop(df.break('$h'))`);
    expect(done.result).toBe(HOSTILE[1]);
  });

  it('in df.setvar are stored and read back exactly', async () => {
    for (const v of HOSTILE) {
      await fx.value('SELECT df.setvar($1, $2)', ['hostile', v]);
      expect(await fx.value('SELECT df.getvar($1)', ['hostile'])).toBe(v);
    }
  });

  it('as a signal payload arrive exactly', async () => {
    const id = await fx.value<string>(`SELECT df.start(df.wait_for_signal('go'))`);
    await fx.value('SELECT df.signal($1, $2, $3)', [id, 'go', HOSTILE[2]]);
    const { awaitWorkflow } = await import('../../support/workflow.js');
    expect((await awaitWorkflow(fx, id, 10)).result).toEqual({ signal_name: 'go', timed_out: false, data: HOSTILE[2] });
  });
});

describe('hostile values with standard_conforming_strings = off in the workers', () => {
  beforeAll(async () => {
    const admin = await fx.scratch.admin();
    await admin.query(`ALTER ROLE "${fx.role}" IN DATABASE "${fx.scratch.name}" SET standard_conforming_strings = off`);
    await admin.query(`ALTER ROLE "${fx.role}" IN DATABASE "${fx.scratch.name}" SET escape_string_warning = off`);
    await fx.stopWorkers();
    await fx.startWorkers(1);
    const scs = await runWorkflow(fx, `'SELECT current_setting(''standard_conforming_strings'') AS s'`);
    expect(scs.result).toEqual({ rows: [{ s: 'off' }], row_count: 1 });
  });

  roundTrips();
});
