// A JOIN of thousands of branches (one df.start, branches as extra_nodes) completes with every
// branch's result in branch order and every branch's effect exactly once, also when a worker
// backend dies while it runs; with many failed branches it names the lowest-numbered one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('n_wide_join');
  await fx.user.query('CREATE TABLE effects (join_name text NOT NULL, branch int NOT NULL)');
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

/** A JOIN envelope whose branch i (from 0) is `step(i)`. */
function wideJoin(branches: number, step: (i: number) => string): string {
  const node = (i: number) => ({ node_type: 'SQL', query: step(i) });
  return JSON.stringify({
    node_type: 'JOIN', left_node: node(0), right_node: node(1),
    extra_nodes: Array.from({ length: branches - 2 }, (_, i) => node(i + 2)),
  });
}

const effect = (name: string, i: number) => `INSERT INTO effects VALUES ('${name}', ${i}) RETURNING ${i} AS branch`;

async function effectsPerBranch(name: string): Promise<Map<number, number>> {
  const { rows } = await fx.user.query('SELECT branch, count(*)::int AS n FROM effects WHERE join_name = $1 GROUP BY branch', [name]);
  return new Map(rows.map((r) => [r.branch as number, r.n as number]));
}

describe('a JOIN of 2,000 branches', () => {
  it('gives every result in branch order and every effect once, though a worker backend dies midway', async () => {
    const branches = 2000;
    const id = await fx.value<string>('SELECT df.start($1)', [wideJoin(branches, (i) => effect('wide', i))]);
    await waitFor('a tenth of the branches', async () => (await fx.value<number>('SELECT count(*)::int FROM effects')) >= branches / 10);
    const admin = await fx.scratch.admin();
    const { rows } = await admin.query(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = $1 AND application_name = 'pg_durable worker 1'`,
      [fx.scratch.name],
    );
    expect(rows[0].n).toBe(1);

    const done = await awaitWorkflow(fx, id, 300);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.result).toEqual(Array.from({ length: branches }, (_, i) => ({ rows: [{ branch: i }], row_count: 1 })));
    const counts = await effectsPerBranch('wide');
    expect(counts.size).toBe(branches);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const completed = await fx.value<number>(`SELECT count(*)::int FROM df.nodes WHERE instance_id = $1 AND status = 'completed'`, [id]);
    expect(completed).toBe(branches + 1);
  }, 600_000);

  it('fails after every branch settled, naming the lowest-numbered failed branch', async () => {
    const branches = 2000;
    // Every seventh branch fails, from the fourth (index 3) on; the others take effect.
    const fails = (i: number) => i % 7 === 3;
    const step = (i: number) => (fails(i) ? `SELECT 1/0 AS branch_${i}` : effect('failing', i));
    const done = await awaitWorkflow(fx, await fx.value<string>('SELECT df.start($1)', [wideJoin(branches, step)]), 300);
    expect(done.status).toBe('failed');
    expect(done.error).toBe('JOIN branch 4 failed: division by zero');
    const counts = await effectsPerBranch('failing');
    const succeeding = Array.from({ length: branches }, (_, i) => i).filter((i) => !fails(i));
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(succeeding);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 600_000);
});
