import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { EFFECTS_TABLE, effect, effectCounts } from './effects.js';
import { waitFor } from '../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('crash_terminate');
  await fx.user.query(EFFECTS_TABLE);
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

/** Terminates the backends of worker sessions that are running a statement matching `pattern`. */
async function terminateWorkersRunning(pattern: string): Promise<number> {
  const admin = await fx.scratch.admin();
  const { rows } = await admin.query(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
     WHERE datname = $1 AND application_name LIKE 'pg_durable worker%' AND query LIKE $2 AND pid <> pg_backend_pid()`,
    [fx.scratch.name, pattern],
  );
  return rows.filter((r) => r.ok).length;
}

describe('a worker backend terminated mid-step', () => {
  it('rolls the long step back and the step is redone once, then the instance completes', async () => {
    const id = await startWorkflow(
      fx,
      `${effect('first')} ~> ${effect('slow', 'pg_sleep(1.5)')} ~> ${effect('last')}`,
    );
    // Once the first step has committed, a worker is inside the 1.5 s statement.
    const stepDone = async (step: string) =>
      ((await fx.value<number>(`SELECT count(*)::int FROM effects WHERE instance = $1 AND step = $2`, [id, step])) ?? 0) > 0;
    await waitFor('the first step', () => stepDone('first'));
    await new Promise((r) => setTimeout(r, 300));
    expect(await stepDone('slow')).toBe(false);
    expect(await terminateWorkersRunning('%CALL df.work%')).toBeGreaterThan(0);

    const done = await awaitWorkflow(fx, id, 60);
    expect(done.status).toBe('completed');
    const counts = (await effectCounts(fx)).get(id)!;
    expect(Object.fromEntries(counts)).toEqual({ first: 1, slow: 1, last: 1 });
  });

  it('keeps every one of 50 sequential steps exactly once while workers are killed repeatedly', async () => {
    const steps = Array.from({ length: 50 }, (_, i) => effect(`s${i + 1}`, 'pg_sleep(0.02)'));
    const id = await startWorkflow(fx, steps.join(' ~> '));
    let kills = 0;
    for (let round = 0; round < 6; round++) {
      await new Promise((r) => setTimeout(r, 150));
      kills += await terminateWorkersRunning('%CALL df.work%');
    }
    expect(kills).toBeGreaterThan(0);
    const done = await awaitWorkflow(fx, id, 120);
    expect(done.status).toBe('completed');
    const counts = (await effectCounts(fx)).get(id)!;
    expect(counts.size).toBe(50);
    for (let i = 1; i <= 50; i++) expect(counts.get(`s${i}`), `step s${i}`).toBe(1);
    // No node or activation is left behind in a running state.
    expect(await fx.value(`SELECT count(*)::int FROM df.nodes WHERE instance_id = $1 AND status = 'running'`, [id])).toBe(0);
    expect(await fx.value(`SELECT count(*)::int FROM df.activations WHERE instance_id = $1 AND NOT retired`, [id])).toBe(0);
  });
});
