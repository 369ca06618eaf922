import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
const ids: string[] = [];
beforeAll(async () => {
  fx = await engineFixture('list_instances');
  await fx.startWorkers(1);
  for (let i = 0; i < 7; i++) {
    ids.push(await startWorkflow(fx, `'SELECT ${i} AS i'`, []));
  }
  ids.push(await startWorkflow(fx, `'SELECT 1/0'`));
  for (const id of ids) await awaitWorkflow(fx, id);
});
afterAll(async () => fx?.close());

describe('df.list_instances', () => {
  it('lists newest first with status, execution count and output', async () => {
    const { rows } = await fx.user.query(`SELECT * FROM df.list_instances()`);
    expect(rows.map((r) => r.instance_id)).toEqual([...ids].reverse());
    expect(rows[0]).toMatchObject({ status: 'failed', output: 'division by zero', function_name: 'workflow' });
    expect(rows[1]).toMatchObject({ status: 'completed', output: '{"rows":[{"i":6}],"row_count":1}', execution_count: '1' });
  });

  it('filters by status and limits', async () => {
    const failed = await fx.user.query(`SELECT instance_id FROM df.list_instances('failed')`);
    expect(failed.rows.map((r) => r.instance_id)).toEqual([ids[7]]);
    const two = await fx.user.query(`SELECT instance_id FROM df.list_instances(NULL, 2)`);
    expect(two.rows).toHaveLength(2);
  });

  it('rejects a limit below 1 or above the administrator\'s pg_durable.list_instances_max_limit', async () => {
    await expect(fx.user.query(`SELECT * FROM df.list_instances(NULL, 0)`)).rejects.toThrow('limit_count must be at least 1, got 0');
    const admin = await fx.scratch.admin();
    await admin.query(`ALTER DATABASE "${fx.scratch.name}" SET pg_durable.list_instances_max_limit = 3`);
    try {
      const err = await fx.user.query(`SELECT * FROM df.list_instances(NULL, 100)`).catch((e: { message: string; code: string }) => e);
      expect(err).toMatchObject({ message: 'limit_count 100 exceeds pg_durable.list_instances_max_limit (3)', code: '22023' });
      expect((await fx.user.query(`SELECT * FROM df.list_instances(NULL, 3)`)).rows).toHaveLength(3);
    } finally {
      await admin.query(`ALTER DATABASE "${fx.scratch.name}" RESET pg_durable.list_instances_max_limit`);
    }
  });

  it('pages with a keyset cursor: every instance once, NULL cursor on the last page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { rows: { instance_id: string; next_cursor: string | null }[] } = await fx.user.query(
        `SELECT * FROM df.list_instances(NULL, 3, NULL, $1)`,
        [cursor],
      );
      pages += 1;
      seen.push(...page.rows.map((r) => r.instance_id));
      const cursors = new Set(page.rows.map((r) => r.next_cursor));
      expect(cursors.size).toBe(1);
      cursor = page.rows[0].next_cursor;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('rejects a malformed cursor', async () => {
    await expect(fx.user.query(`SELECT * FROM df.list_instances(NULL, 3, NULL, 'nope')`)).rejects.toThrow('invalid after_cursor: nope');
  });

  it('reports one execution per instance and totals in df.metrics (for an admin)', async () => {
    const { rows } = await fx.user.query(`SELECT * FROM df.instance_executions($1)`, [ids[0]]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ execution_id: '1', status: 'completed', event_count: '1' });
    await expect(fx.user.query(`SELECT * FROM df.metrics()`)).rejects.toThrow('permission denied');
    const admin = await fx.scratch.admin();
    const m = await admin.query(`SELECT * FROM df.metrics()`);
    expect(m.rows[0]).toMatchObject({ total_instances: '8', completed_instances: '7', failed_instances: '1', running_instances: '0' });
  });

  it('df.instance_info gives status and output', async () => {
    const { rows } = await fx.user.query(`SELECT * FROM df.instance_info($1)`, [ids[7]]);
    expect(rows[0]).toMatchObject({ instance_id: ids[7], status: 'failed', output: 'division by zero', current_execution_id: '1' });
  });
});
