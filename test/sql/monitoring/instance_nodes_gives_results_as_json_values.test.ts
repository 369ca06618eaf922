import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('instance_nodes_json');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());

describe('df.instance_nodes', () => {
  it('returns result and status_details as JSON values, exact', async () => {
    const done = await runWorkflow(fx, `'SELECT 9007199254740993::int8 AS big' ~> df.retry('SELECT 1/0', 2, 0.1)`);
    expect(done.status).toBe('failed');
    const { rows } = await fx.user.query(
      `SELECT node_id, jsonb_typeof(result) AS result_type, result -> 'rows' -> 0 ->> 'big' AS big,
              jsonb_typeof(status_details) AS details_type, status_details ->> 'attempt' AS attempt
       FROM df.instance_nodes($1) ORDER BY node_id`,
      [done.id],
    );
    expect(rows[1]).toMatchObject({ node_id: 2, result_type: 'object', big: '9007199254740993' });
    expect(rows[2]).toMatchObject({ node_id: 3, result_type: 'string', details_type: 'object', attempt: '2' });
  });
});
