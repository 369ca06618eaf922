// A MAP with several items in flight survives worker backends being terminated and the server
// stopping with -m immediate: every item's step takes effect exactly once, no item starts
// twice, and the instance completes with every item in order (spec/map.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { OwnCluster, crashAndRestart } from '../support/own-cluster.js';
import { usesPrivateCluster } from '../support/server.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { waitFor } from '../support/slow-step.js';

// Restarting the server would disturb the other test files, so this one runs its own cluster.
const cluster = new OwnCluster('crash-map', Number(process.env.PG_DURABLE_CRASH_MAP_PORT ?? 54341));
let fx: EngineFixture;
const ITEMS = 400;

const items = `'SELECT g FROM generate_series(1, ${ITEMS}) g'`;
/** Two steps per item, each recording its effect, with a named result local to the item. */
const body =
  `('INSERT INTO effects (item, step) SELECT $item.g, ''a'' FROM pg_sleep(0.01) RETURNING item' |=> 'first') ` +
  `~> 'INSERT INTO effects (item, step) SELECT $first, ''b'' RETURNING item'`;

async function terminateWorkers(): Promise<number> {
  const admin = await fx.scratch.admin();
  const { rows } = await admin.query(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
     WHERE datname = $1 AND application_name LIKE 'pg_durable worker%'`,
    [fx.scratch.name],
  );
  return rows[0].n as number;
}

const effectCount = () => fx.value<number>('SELECT count(*)::int FROM effects');

describe.skipIf(!usesPrivateCluster())('a MAP through crashes', () => {
  beforeAll(async () => {
    cluster.start();
    fx = await engineFixture('crash_map', { server: cluster.url });
    await fx.user.query('CREATE TABLE effects (item int NOT NULL, step text NOT NULL)');
  });
  afterAll(async () => {
    await fx?.close().catch(() => undefined);
    cluster.stop();
  });

  it('takes every item step exactly once and completes', async () => {
    const id = await startWorkflow(fx, `df.map(${items}, ${body}, 16)`);
    await fx.startWorkers(4);
    await waitFor('a quarter of the items', async () => (await effectCount()) >= ITEMS / 2);
    expect(await terminateWorkers()).toBeGreaterThan(0);
    await waitFor('half of the items', async () => (await effectCount()) >= ITEMS);

    await crashAndRestart(cluster, fx, 4);

    const done = await awaitWorkflow(fx, id, 300);
    expect(done.status, done.error ?? '').toBe('completed');
    const result = done.result as { rows: { item: { g: number }; status: string; result: unknown }[] };
    expect(result.rows.map((r) => r.item.g)).toEqual(Array.from({ length: ITEMS }, (_, i) => i + 1));
    expect(result.rows.every((r, i) => r.status === 'completed' && JSON.stringify(r.result) === `{"rows":[{"item":${i + 1}}],"row_count":1}`)).toBe(true);
    const { rows } = await fx.user.query(
      `SELECT count(*)::int AS n, count(DISTINCT (item, step))::int AS d, min(item) AS lo, max(item) AS hi FROM effects`,
    );
    expect(rows[0]).toEqual({ n: 2 * ITEMS, d: 2 * ITEMS, lo: 1, hi: ITEMS });
    expect(await fx.value(`SELECT count(*)::int FROM df.activations WHERE NOT retired`)).toBe(0);
  }, 600_000);
});
