import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('explain');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

describe('df.explain', () => {
  it('explains DSL text without running it', async () => {
    const text = await fx.value<string>(`SELECT df.explain($1)`, [
      `'SELECT 1' |=> 'a' ~> ('SELECT 2' & 'SELECT 3') ~> df.if('SELECT true', 'SELECT 4', df.sleep(5))`,
    ]);
    expect(text).toBe(
      [
        `SQL: SELECT 1 |=> 'a'`,
        `→ JOIN (2)`,
        `  ║ branch 1: SQL: SELECT 2`,
        `  ║ branch 2: SQL: SELECT 3`,
        `→ IF`,
        `  ? condition: SQL: SELECT true`,
        `  ✓ then: SQL: SELECT 4`,
        `  ✗ else: SLEEP 5s`,
      ].join('\n'),
    );
    expect(await fx.value('SELECT count(*)::int FROM df.instances')).toBe(0);
  });

  it('shows a finished instance with its statuses, the untaken arm skipped', async () => {
    const done = await runWorkflow(fx, `df.if('SELECT false', 'SELECT 1', 'SELECT 2 AS two')`);
    const text = await fx.value<string>(`SELECT df.explain($1)`, [done.id]);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`Instance: ${done.id}`);
    expect(lines[1]).toBe('Status:   ✓ completed');
    expect(lines[2]).toBe('Output:   {"rows":[{"two":2}],"row_count":1}');
    expect(text).toContain('⊘');
    const { rows } = await fx.user.query(`SELECT node_id, node_type, status, inferred_status FROM df.instance_nodes($1)`, [done.id]);
    const skipped = rows.filter((r) => r.inferred_status === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0].status).toBe('pending');
  });

  it('explains a plain statement, an envelope and renders Mermaid', async () => {
    expect(await fx.value(`SELECT df.explain('SELECT 42')`)).toBe('SQL: SELECT 42');
    expect(await fx.value(`SELECT df.explain(df.sleep(3))`)).toBe('SLEEP 3s');
    expect(await fx.value<string>(`SELECT df.explain('SELECT 1', 'mermaid')`)).toMatch(/^flowchart TD\n/);
  });

  it('refuses input it cannot explain, and runs no second statement hidden in DSL text', async () => {
    await expect(fx.user.query(`SELECT df.explain('hello world')`)).rejects.toMatchObject({
      message: 'Cannot explain input: not a valid Durofut JSON, instance ID, SQL statement, or DSL expression (got "hello world").',
      code: '22023',
      hint: 'DSL expressions use df.*() functions and operators like ~>, |=>, &, |.',
    });
    await fx.user.query('CREATE TABLE victim (x int)');
    await expect(
      fx.user.query(`SELECT df.explain($1)`, [`'SELECT 1' ~> 'SELECT 2'); DROP TABLE victim; SELECT ('x'`]),
    ).rejects.toThrow();
    expect(await fx.value(`SELECT count(*)::int FROM victim`)).toBe(0);
  });
});
