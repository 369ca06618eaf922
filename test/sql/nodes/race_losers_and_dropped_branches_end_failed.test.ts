// As in the reference, no node keeps the physical status `running` once a RACE settles or a
// JOIN is left by a break: what was still running is stamped `failed`, with the reason in
// status_details.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('race_losers');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

async function nodes(id: string): Promise<{ node_id: number; node_type: string; status: string; reason: string | null }[]> {
  const { rows } = await fx.user.query(
    `SELECT node_id, node_type, status, status_details ->> 'reason' AS reason FROM df.instance_nodes($1) ORDER BY node_id`,
    [id],
  );
  return rows;
}

describe('nodes left behind by a settled RACE or a broken JOIN', () => {
  it('a waiting loser is stamped failed with the reason', async () => {
    const done = await runWorkflow(fx, `df.race(df.sleep(30), 'SELECT 1 AS fast')`);
    expect(done.status).toBe('completed');
    expect(await nodes(done.id)).toEqual([
      { node_id: 1, node_type: 'RACE', status: 'completed', reason: null },
      { node_id: 2, node_type: 'SLEEP', status: 'failed', reason: 'dropped: the RACE or JOIN above it settled first' },
      { node_id: 3, node_type: 'SQL', status: 'completed', reason: null },
    ]);
  });

  it('a loser step running at that moment is stamped failed once it rolls back', async () => {
    const done = await runWorkflow(fx, `df.race('SELECT pg_sleep(1.5)', 'SELECT 1 AS fast')`);
    expect(done.status).toBe('completed');
    await waitFor('the loser to end', async () => (await nodes(done.id))[1].status !== 'running');
    expect((await nodes(done.id))[1]).toMatchObject({ status: 'failed', reason: 'dropped: the RACE or JOIN above it settled first' });
  });

  it('branches a break leaves behind are stamped failed too', async () => {
    const done = await runWorkflow(fx, `df.loop(df.join(df.break('1'), df.sleep(30)))`);
    expect(done.status).toBe('completed');
    const statuses = (await nodes(done.id)).map((n) => [n.node_type, n.status]);
    expect(statuses).toEqual([['LOOP', 'completed'], ['JOIN', 'completed'], ['BREAK', 'completed'], ['SLEEP', 'failed']]);
  });
});
