// df.instance_items refuses what it cannot take with an error that says what was wrong, with
// the SQLSTATE of its class: an instance it cannot see (42704, as every df function), a node
// that is missing or not a MAP, a negative position, a page size out of range (22023).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { startWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
let id: string;
beforeAll(async () => {
  fx = await engineFixture('map_items_input');
  // No workers: the instance stays pending, its nodes are all there.
  id = await startWorkflow(fx, `df.map('SELECT g FROM generate_series(1, 3) g', 'SELECT $item.g')`);
});
afterAll(async () => fx?.close());

async function refusal(sql: string, params: unknown[]) {
  const e = await fx.user.query(sql, params).then(() => null, (err: Error & { code?: string; hint?: string }) => err);
  expect(e, sql).not.toBeNull();
  return { message: e!.message, code: e!.code, hint: e!.hint };
}

const nodesHint = 'df.instance_nodes(id) lists the nodes of an instance; pass the node_id of a MAP, or NULL for all of them.';

describe('df.instance_items refuses', () => {
  it('an instance that does not exist, or any id it cannot see', async () => {
    for (const missing of ['ffffffff', 'not an id', null]) {
      expect(await refusal('SELECT * FROM df.instance_items($1)', [missing])).toEqual({
        message: `Instance not found or access denied: ${missing ?? 'NULL'}`,
        code: '42704',
        hint: 'df.list_instances() lists the instances you can see; each role sees only its own.',
      });
    }
  });

  it('a node the instance does not have, and one that is not a MAP', async () => {
    expect(await refusal('SELECT * FROM df.instance_items($1, 9)', [id])).toEqual({
      message: `instance ${id} has no node 9`, code: '22023', hint: nodesHint,
    });
    expect(await refusal('SELECT * FROM df.instance_items($1, 2)', [id])).toEqual({
      message: `node 2 of instance ${id} is a SQL node, not a MAP`, code: '22023', hint: nodesHint,
    });
  });

  it('a negative or missing position', async () => {
    for (const [after, shown] of [[-1, '-1'], [null, 'NULL']] as const) {
      expect(await refusal('SELECT * FROM df.instance_items($1, 1, $2)', [id, after])).toEqual({
        message: `after_item must be at least 0, got ${shown}`,
        code: '22023',
        hint: 'Pass 0 for the first page, then the last item number of the page before.',
      });
    }
  });

  it('a page size below 1 or above pg_durable.list_instances_max_limit', async () => {
    for (const [limit, shown] of [[0, '0'], [-5, '-5'], [null, 'NULL']] as const) {
      expect(await refusal('SELECT * FROM df.instance_items($1, 1, 0, $2)', [id, limit])).toMatchObject({
        message: `limit_count must be at least 1, got ${shown}`, code: '22023',
      });
    }
    expect(await refusal('SELECT * FROM df.instance_items($1, 1, 0, 1001)', [id])).toEqual({
      message: 'limit_count 1001 exceeds pg_durable.list_instances_max_limit (1000)',
      code: '22023',
      hint: 'Ask for fewer rows and fetch the next page from the last one (after_cursor, after_item), or have an administrator raise the limit with ALTER DATABASE … SET pg_durable.list_instances_max_limit.',
    });
    // The largest page is fine, and so is a MAP whose items have not arrived: no rows.
    expect((await fx.user.query('SELECT * FROM df.instance_items($1, 1, 0, 1000)', [id])).rows).toEqual([]);
  });
});
