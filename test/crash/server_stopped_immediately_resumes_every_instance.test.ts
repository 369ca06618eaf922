import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { OwnCluster, crashAndRestart } from '../support/own-cluster.js';
import { usesPrivateCluster } from '../support/server.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { EFFECTS_TABLE, effect, effectCounts } from './effects.js';
import { waitFor } from '../support/slow-step.js';

// Restarting the server would disturb the other test files, so this one runs its own cluster.
const cluster = new OwnCluster('crash', Number(process.env.PG_DURABLE_CRASH_PORT ?? 54339));
let fx: EngineFixture;

/** A workflow with a sleep, a join and a loop of three iterations; every step records its effect. */
function workflow(): string {
  const loopBody =
    `('INSERT INTO effects (instance, step) SELECT ''{sys_instance_id}'', ''loop'' || (1 + count(*)) ` +
    `FROM effects WHERE instance = ''{sys_instance_id}'' AND step LIKE ''loop%'' RETURNING step' |=> 'it') ` +
    `~> df.if('SELECT $it = ''loop3''', df.break('''done'''), 'SELECT 1')`;
  return [
    effect('a'),
    'df.sleep(1)',
    `(${effect('b1', 'pg_sleep(0.2)')} & ${effect('b2', 'pg_sleep(0.2)')})`,
    `df.loop(${loopBody})`,
    effect('z'),
  ].join(' ~> ');
}

const EXPECTED = { a: 1, b1: 1, b2: 1, loop1: 1, loop2: 1, loop3: 1, z: 1 };

describe.skipIf(!usesPrivateCluster())('the server stopped with -m immediate mid-workflow', () => {
  beforeAll(async () => {
    cluster.start();
    fx = await engineFixture('crash_immediate', { server: cluster.url });
    await fx.user.query(EFFECTS_TABLE);
  });
  afterAll(async () => {
    await fx?.close().catch(() => undefined);
    cluster.stop();
  });

  it('resumes all 20 instances after restart and every step takes effect exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await startWorkflow(fx, workflow()));
    await fx.startWorkers(2);
    // Let the instances get under way: some sleeping, some in joins.
    await waitFor('first steps', async () => (await fx.value<number>('SELECT count(*)::int FROM effects')) >= 10);

    await crashAndRestart(cluster, fx, 2);
    for (const id of ids) {
      const done = await awaitWorkflow(fx, id, 120);
      expect(done.status, `instance ${id}: ${done.error}`).toBe('completed');
      expect(done.result).toEqual({ rows: [], row_count: 1 }); // the last step's INSERT
    }
    const counts = await effectCounts(fx);
    for (const id of ids) expect(Object.fromEntries(counts.get(id) ?? []), `effects of ${id}`).toEqual(EXPECTED);
    expect(await fx.value(`SELECT count(*)::int FROM df.nodes WHERE status = 'running'`)).toBe(0);
    expect(await fx.value(`SELECT count(*)::int FROM df.activations WHERE NOT retired`)).toBe(0);
  });
});
