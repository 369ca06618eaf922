// LOOP: runs its body until a BREAK anywhere inside it (through IF, THEN, JOIN, the while
// condition) or, as a do-while, until the condition is false; BREAK outside a loop fails the
// instance; named results persist across iterations (spec sections 1, 7 and 9).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_loop');
  await fx.user.query('CREATE TABLE counter (n int)');
  await fx.user.query('CREATE TABLE trail (seq serial, what text)');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.user.query('TRUNCATE counter, trail');
  await fx.user.query('INSERT INTO counter VALUES (0)');
});

const bump = `'UPDATE counter SET n = n + 1 RETURNING n'`;
const count = () => fx.value<number>('SELECT n FROM counter');

describe('LOOP with df.break', () => {
  it('ends with the break value as JSON', async () => {
    const done = await runWorkflow(
      fx,
      `df.loop((${bump} |=> 'c') ~> ('SELECT $c >= 3' ?> df.break('{"done": true, "big": 12345678901234567890}') !> 'SELECT 0'))`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ done: true, big: 12345678901234567890 });
    expect(done.resultText).toContain('12345678901234567890');
    expect(await count()).toBe(3);
  });

  it('ends with a JSON string when the break value is not JSON', async () => {
    const done = await runWorkflow(fx, `df.loop(${bump} ~> df.break('finished here'))`);
    expect(done.result).toBe('finished here');
    expect(await count()).toBe(1);
  });

  it('ends with null for df.break() without a value', async () => {
    const done = await runWorkflow(fx, `df.loop(${bump} ~> df.break())`);
    expect(done.status).toBe('completed');
    expect(done.result).toBeNull();
  });

  it('substitutes $name references in the break value', async () => {
    const done = await runWorkflow(
      fx,
      `df.loop((${bump} |=> 'c') ~> ('SELECT $c >= 2' ?> df.break('{"count": $c}') !> 'SELECT 0'))`,
    );
    expect(done.result).toEqual({ count: 2 });
    const text = await runWorkflow(
      fx,
      `('SELECT ''Ann'' AS name' |=> 'who') ~> df.loop(df.break('hello $who'))`,
    );
    expect(text.result).toBe('hello Ann');
  });

  it('breaks through THEN, skipping the rest of the body', async () => {
    const done = await runWorkflow(
      fx,
      `@> (${bump} ~> df.break('"then"') ~> 'INSERT INTO trail (what) VALUES (''after break'')')`,
    );
    expect(done.result).toBe('then');
    expect(await count()).toBe(1);
    expect(await fx.value('SELECT count(*)::int FROM trail')).toBe(0);
  });

  it('breaks from inside a JOIN branch', async () => {
    const done = await runWorkflow(fx, `@> ('SELECT 1' & (${bump} ~> df.break('"join"')))`);
    expect(done.status).toBe('completed');
    expect(done.result).toBe('join');
    expect(await count()).toBe(1);
  });

  it('drops the pending work of the other JOIN branches when one breaks', async () => {
    const done = await runWorkflow(
      fx,
      `@> ((df.sleep(1) ~> 'INSERT INTO trail (what) VALUES (''other branch'')') & df.break('"joined"'))`,
    );
    expect(done.result).toBe('joined');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await fx.value('SELECT count(*)::int FROM trail')).toBe(0);
  });

  it('breaks from the winner of a RACE', async () => {
    const done = await runWorkflow(fx, `@> ((df.sleep(5) ~> 'SELECT 1') | (${bump} ~> df.break('"raced"')))`);
    expect(done.result).toBe('raced');
    expect(await count()).toBe(1);
  });

  it('breaks from the while condition', async () => {
    const done = await runWorkflow(fx, `df.loop(${bump}, df.break('"from condition"'))`);
    expect(done.result).toBe('from condition');
    expect(await count()).toBe(1);
  });

  it('exits only the nearest loop', async () => {
    const done = await runWorkflow(
      fx,
      `df.loop(
         df.loop(${bump} ~> df.break('"inner"')) ~> ('SELECT n >= 3 FROM counter' ?> df.break('"outer"') !> 'SELECT 0'))`,
    );
    expect(done.result).toBe('outer');
    expect(await count()).toBe(3);
  });

  it('fails the instance when BREAK is outside any loop', async () => {
    const done = await runWorkflow(
      fx,
      `'SELECT 1' ~> df.break('x') ~> 'INSERT INTO trail (what) VALUES (''after'')'`,
    );
    expect(done.status).toBe('failed');
    expect(done.error).toBe('df.break() was called outside of a loop');
    expect(await fx.value('SELECT count(*)::int FROM trail')).toBe(0);
    const root = await runWorkflow(fx, `df.break('"root"')`);
    expect(root.status).toBe('failed');
    expect(root.error).toBe('df.break() was called outside of a loop');
  });
});

describe('LOOP with a condition (do-while)', () => {
  it('runs the body before the first check and ends with the last body result', async () => {
    const done = await runWorkflow(fx, `df.loop(${bump}, 'SELECT n < 3 FROM counter')`);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ n: 3 }], row_count: 1 });
    const once = await runWorkflow(fx, `df.loop(${bump}, 'SELECT false')`);
    expect(once.result).toEqual({ rows: [{ n: 4 }], row_count: 1 });
  });

  it('fails when the body fails', async () => {
    const done = await runWorkflow(fx, `df.loop(${bump} ~> 'SELECT 1 / (3 - n) FROM counter', 'SELECT true')`);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('division by zero');
    expect(await count()).toBe(3);
  });
});

describe('named results in loops', () => {
  it('persist across iterations and are visible after the loop', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT 0 AS v' |=> 'prev')
       ~> (@> (('SELECT $prev + 1 AS v' |=> 'prev') ~> ('SELECT $prev >= 3' ?> df.break('$prev') !> 'SELECT 0')))
       ~> 'SELECT $prev * 100 AS after'`,
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ after: 300 }], row_count: 1 });
  });

  it('persist across iterations of a root loop', async () => {
    const done = await runWorkflow(
      fx,
      `@> ((${bump} |=> 'c') ~> df.if('SELECT $c >= 2', df.break('{"seen": $seen}'), 'SELECT $c * 10 AS x' |=> 'seen'))`,
    );
    expect(done.error).toBeNull();
    // Iteration 1 binds seen = 10; iteration 2 breaks and still sees it.
    expect(done.result).toEqual({ seen: 10 });
  });
});

describe('the @> prefix operator', () => {
  it('builds the same loop as df.loop(body)', async () => {
    expect(await fx.value(`SELECT @> 'SELECT 1'`)).toBe(await fx.value(`SELECT df.loop('SELECT 1')`));
    const done = await runWorkflow(fx, `@> (${bump} ~> ('SELECT n = 2 FROM counter' ?> df.break('"two"') !> 'SELECT 0'))`);
    expect(done.result).toBe('two');
    expect(await count()).toBe(2);
  });
});
