// A role may write its own rows into df tables by hand; CHECK constraints keep them to the
// shapes the engine writes, with check_violation errors that name the rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';

let fx: EngineFixture;
let instance: string;
beforeAll(async () => {
  fx = await engineFixture('schema_checks');
  instance = await fx.value<string>(`SELECT df.start(df.sleep(3600))`);
});
afterAll(async () => fx?.close());

async function violation(sql: string, params: unknown[] = []): Promise<{ code: string; constraint: string }> {
  const e = await fx.user.query(sql, params).then(() => null, (err: { code: string; constraint: string }) => err);
  expect(e, sql).not.toBeNull();
  return { code: e!.code, constraint: e!.constraint };
}

describe('CHECK constraints on df tables', () => {
  it('refuse node types, node ids and result names the engine never writes', async () => {
    expect(await violation(`INSERT INTO df.nodes (instance_id, id, node_type, query) VALUES ($1, 50, 'EXEC', 'x')`, [instance]))
      .toEqual({ code: '23514', constraint: 'node_type_is_known' });
    expect(await violation(`INSERT INTO df.nodes (instance_id, id, node_type, query) VALUES ($1, 0, 'SQL', 'x')`, [instance]))
      .toEqual({ code: '23514', constraint: 'node_id_is_positive' });
    expect(await violation(
      `INSERT INTO df.nodes (instance_id, id, node_type, query, result_name) VALUES ($1, 51, 'SQL', 'x', 'a b')`, [instance],
    )).toEqual({ code: '23514', constraint: 'result_name_is_an_identifier' });
    expect(await violation(`INSERT INTO df.results (instance_id, name, value) VALUES ($1, '1x', '{}')`, [instance]))
      .toEqual({ code: '23514', constraint: 'result_name_is_an_identifier' });
  });

  it('refuse activation slots, signal names and variable names the engine never writes', async () => {
    expect(await violation(`INSERT INTO df.activations (instance_id, node_id, slot, leaf) VALUES ($1, 1, 'sideways', true)`, [instance]))
      .toEqual({ code: '23514', constraint: 'activation_slot_is_known' });
    expect(await violation(`INSERT INTO df.signals (instance_id, name, data) VALUES ($1, '', '{}')`, [instance]))
      .toEqual({ code: '23514', constraint: 'signal_name_is_not_empty' });
    expect(await violation(`INSERT INTO df.vars (name, value) VALUES ('not-a-name', 'x')`))
      .toEqual({ code: '23514', constraint: 'variable_name_is_an_identifier' });
  });

  it('accept what the engine writes', async () => {
    await fx.user.query(`INSERT INTO df.nodes (instance_id, id, node_type, query, result_name) VALUES ($1, 52, 'SQL', 'SELECT 1', 'ok_name')`, [instance]);
    await fx.user.query(`INSERT INTO df.activations (instance_id, node_id, slot, leaf, wake_at) VALUES ($1, 52, 'branch:12', true, 'infinity')`, [instance]);
    expect(await fx.value(`SELECT id ~ '^[0-9a-f]{8}$' FROM df.instances WHERE id = $1`, [instance])).toBe(true);
  });
});
