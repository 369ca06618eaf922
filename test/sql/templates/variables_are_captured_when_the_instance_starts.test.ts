// {name} templates: the caller's df.setvar variables as captured by df.start, and the system
// variables {sys_instance_id} and {sys_label}; unknown names stay verbatim (spec sections 5, 6).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('t_vars');
  await fx.user.query('CREATE TABLE seen (v text)');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.value('SELECT df.clearvars()');
  await fx.user.query('TRUNCATE seen');
});

const setvar = (name: string, value: string) => fx.value('SELECT df.setvar($1, $2)', [name, value]);

describe('{var} templates', () => {
  it('insert the variable raw into the step', async () => {
    await setvar('greeting', 'hello');
    await setvar('tbl', 'seen');
    await setvar('n', '41');
    const done = await runWorkflow(fx, `'INSERT INTO {tbl} VALUES (''{greeting}'') ' ~> 'SELECT v, {n} + 1 AS n FROM {tbl}'`);
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ v: 'hello', n: 42 }], row_count: 1 });
  });

  it('use the values captured by df.start, not later ones', async () => {
    await setvar('greeting', 'captured');
    const id = await startWorkflow(fx, `df.wait_for_signal('go') ~> 'SELECT ''{greeting}'' AS g, ''{late}'' AS l'`);
    await setvar('greeting', 'changed later');
    await setvar('late', 'set after start');
    await fx.value('SELECT df.signal($1, $2)', [id, 'go']);
    const done = await awaitWorkflow(fx, id, 10);
    expect(done.result).toEqual({ rows: [{ g: 'captured', l: '{late}' }], row_count: 1 });
  });

  it('are not affected by unsetvar or clearvars after the start', async () => {
    await setvar('keep', 'still here');
    const id = await startWorkflow(fx, `df.wait_for_signal('go') ~> 'SELECT ''{keep}'' AS k'`);
    await fx.value(`SELECT df.clearvars()`);
    await fx.value('SELECT df.signal($1, $2)', [id, 'go']);
    expect((await awaitWorkflow(fx, id, 10)).result).toEqual({ rows: [{ k: 'still here' }], row_count: 1 });
  });

  it('give the instance id for {sys_instance_id}', async () => {
    const id = await startWorkflow(fx, `'SELECT ''{sys_instance_id}'' AS id'`);
    expect((await awaitWorkflow(fx, id)).result).toEqual({ rows: [{ id }], row_count: 1 });
  });

  it('give the label for {sys_label}, or an empty string without one', async () => {
    const labelled = await fx.value<string>(`SELECT df.start('SELECT ''{sys_label}'' AS l', 'nightly-run')`);
    expect((await awaitWorkflow(fx, labelled)).result).toEqual({ rows: [{ l: 'nightly-run' }], row_count: 1 });
    const plain = await runWorkflow(fx, `'SELECT ''<{sys_label}>'' AS l'`);
    expect(plain.result).toEqual({ rows: [{ l: '<>' }], row_count: 1 });
  });

  it('leave unknown names and non-identifier braces verbatim', async () => {
    const done = await runWorkflow(fx, `'SELECT ''{nope}'' AS a, ''{1x}'' AS b, ''{ spaced }'' AS c, ''{}'' AS d'`);
    expect(done.result).toEqual({ rows: [{ a: '{nope}', b: '{1x}', c: '{ spaced }', d: '{}' }], row_count: 1 });
  });

  it('do not rescan inserted text for braces', async () => {
    await setvar('outer', '{inner}');
    await setvar('inner', 'WRONG');
    const done = await runWorkflow(fx, `'SELECT ''{outer}'' AS v'`);
    expect(done.result).toEqual({ rows: [{ v: '{inner}' }], row_count: 1 });
  });

  it('are captured per instance: two instances started with different values keep theirs', async () => {
    await setvar('who', 'first');
    const a = await startWorkflow(fx, `df.wait_for_signal('go') ~> 'SELECT ''{who}'' AS w'`);
    await setvar('who', 'second');
    const b = await startWorkflow(fx, `df.wait_for_signal('go') ~> 'SELECT ''{who}'' AS w'`);
    await fx.value('SELECT df.signal($1, $2)', [a, 'go']);
    await fx.value('SELECT df.signal($1, $2)', [b, 'go']);
    expect((await awaitWorkflow(fx, a, 10)).result).toEqual({ rows: [{ w: 'first' }], row_count: 1 });
    expect((await awaitWorkflow(fx, b, 10)).result).toEqual({ rows: [{ w: 'second' }], row_count: 1 });
  });

  it('are substituted in break values', async () => {
    await setvar('answer', '42');
    const done = await runWorkflow(fx, `df.loop(df.break('{"answer": {answer}}'))`);
    expect(done.result).toEqual({ answer: 42 });
  });
});
