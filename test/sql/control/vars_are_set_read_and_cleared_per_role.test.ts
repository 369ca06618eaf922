// df.setvar / getvar / unsetvar / clearvars, and the helpers' refusal to be used as steps or
// inside a workflow (spec sections 1 and 5).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('c_vars');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.value('SELECT df.clearvars()');
});

const get = (name: string) => fx.value<string | null>('SELECT df.getvar($1)', [name]);

describe('variables', () => {
  it('setvar returns OK and getvar reads the value back', async () => {
    expect(await fx.value('SELECT df.setvar($1, $2)', ['region', 'eu-west'])).toBe('OK');
    expect(await get('region')).toBe('eu-west');
  });

  it('setvar overwrites', async () => {
    await fx.value(`SELECT df.setvar('k', 'one')`);
    await fx.value(`SELECT df.setvar('k', 'two')`);
    expect(await get('k')).toBe('two');
  });

  it('getvar of an unknown name is NULL', async () => {
    expect(await get('never_set')).toBeNull();
  });

  it('unsetvar removes one variable and returns OK', async () => {
    await fx.value(`SELECT df.setvar('a', '1'), df.setvar('b', '2')`);
    expect(await fx.value(`SELECT df.unsetvar('a')`)).toBe('OK');
    expect(await get('a')).toBeNull();
    expect(await get('b')).toBe('2');
    expect(await fx.value(`SELECT df.unsetvar('not_there')`)).toBe('OK');
  });

  it('clearvars removes all variables of the role and returns OK', async () => {
    await fx.value(`SELECT df.setvar('a', '1'), df.setvar('b', '2')`);
    expect(await fx.value(`SELECT df.clearvars()`)).toBe('OK');
    expect(await get('a')).toBeNull();
    expect(await get('b')).toBeNull();
  });

  it('are undone with the caller transaction', async () => {
    await fx.user.query('BEGIN');
    await fx.value(`SELECT df.setvar('tx', 'rolled back')`);
    await fx.user.query('ROLLBACK');
    expect(await get('tx')).toBeNull();
  });

  it('reject invalid and reserved names', async () => {
    await expect(fx.value(`SELECT df.setvar('bad name', 'x')`)).rejects.toThrow(/variable name/);
    await expect(fx.value(`SELECT df.setvar('1abc', 'x')`)).rejects.toThrow(/variable name/);
    await expect(fx.value(`SELECT df.setvar('sys_label', 'x')`)).rejects.toThrow(/reserved/);
  });

  it('cannot be set, unset or cleared inside a workflow step', async () => {
    await fx.value(`SELECT df.setvar('inside', 'before')`);
    for (const call of [`df.setvar(''inside'', ''x'')`, `df.unsetvar(''inside'')`, `df.clearvars()`]) {
      const done = await runWorkflow(fx, `'SELECT ${call}'`);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/^df\.\w+\(\) cannot be called inside a workflow$/);
    }
    expect(await get('inside')).toBe('before');
  });

  it("can be read inside a workflow step with getvar", async () => {
    await fx.value(`SELECT df.setvar('readable', 'yes')`);
    const done = await runWorkflow(fx, `'SELECT df.getvar(''readable'') AS v'`);
    expect(done.result).toEqual({ rows: [{ v: 'yes' }], row_count: 1 });
  });
});

describe('helper return values used as steps', () => {
  for (const helper of [`df.setvar('a', 'b')`, `df.unsetvar('a')`, `df.clearvars()`]) {
    it(`${helper} passed to df.start is refused, telling to call it before df.start()`, async () => {
      await expect(fx.value(`SELECT df.start(${helper})`)).rejects.toThrow(/call them before df\.start\(\)/);
      await expect(fx.value(`SELECT df.start('SELECT 1' ~> ${helper})`)).rejects.toThrow(/before df\.start\(\)/);
    });
  }

  it('starts nothing when refused', async () => {
    const before = await fx.value<number>('SELECT count(*)::int FROM df.instances');
    await expect(fx.value(`SELECT df.start(df.setvar('a', 'b'))`)).rejects.toThrow();
    expect(await fx.value('SELECT count(*)::int FROM df.instances')).toBe(before);
  });
});
