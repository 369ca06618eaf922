// Each role's statements run in sessions authenticated as that role (its own runner), so they
// have exactly its rights: on a table only role A owns, A's CREATE INDEX CONCURRENTLY builds the
// index and B's fails with PostgreSQL's permission error; B's VACUUM of it is skipped by
// PostgreSQL with a warning (VACUUM does not fail for that) and vacuums nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenant, type Tenants } from '../../support/tenants.js';
import type { WorkerPool } from '../../../src/cli/worker-pool.js';
import { waitFor } from '../../support/slow-step.js';
import { finishWorkflow, runToEnd, statementPool, vacuumCount, waitForVacuums } from './maintenance.js';

let t: Tenants;
let a: Tenant;
let b: Tenant;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  t = await tenants('maint_roles');
  [a, b] = t.victims;
  await (await a.client()).query(`CREATE TABLE public.only_a (id int); INSERT INTO public.only_a SELECT generate_series(1, 100)`);
  await (await a.client()).query(`GRANT SELECT ON public.only_a TO PUBLIC`);
  for (const role of [a, b]) pools.push(await statementPool(role.url));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
  await t?.close();
});

describe('statements of two roles', () => {
  it("run with each role's own rights", async () => {
    const mine = await runToEnd(a, `'CREATE INDEX CONCURRENTLY only_a_by_a ON public.only_a (id)'`);
    expect(mine.status).toBe('completed');
    expect(await a.value(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.only_a_by_a'::regclass`)).toBe(true);

    const theirs = await runToEnd(b, `'CREATE INDEX CONCURRENTLY only_a_by_b ON public.only_a (id)'`);
    expect(theirs.status).toBe('failed');
    expect(theirs.error).toBe('must be owner of table only_a');
    expect(await a.value(`SELECT to_regclass('public.only_a_by_b')`)).toBeNull();

    const before = await vacuumCount(a, 'only_a');
    expect((await runToEnd(b, `'VACUUM public.only_a'`)).status).toBe('completed');
    expect((await runToEnd(a, `'VACUUM public.only_a'`)).status).toBe('completed');
    await waitForVacuums(a, 'only_a', before + 1);
    expect(await vacuumCount(a, 'only_a')).toBe(before + 1);
  });

  it("a role's runner never sees another role's statements", async () => {
    // B's runner is stopped: A's runner is still there, but B's statement waits for B's.
    await pools[1].stop();
    const workers = await b.startWorkers(1);
    const id = await b.value<string>(`SELECT df.start('VACUUM public.only_a')`);
    await waitFor('the dispatch', async () => (await b.value(`SELECT count(*)::int FROM df.dispatches WHERE instance_id = $1`, [id])) === 1);
    await new Promise((r) => setTimeout(r, 1500));
    await workers.stop();
    expect(await b.value(`SELECT leases FROM df.dispatches WHERE instance_id = $1`, [id])).toBe(0);
    expect(await a.value(`SELECT count(*)::int FROM df.dispatches WHERE instance_id = $1`, [id])).toBe(0);
    pools[1] = await statementPool(b.url);
    expect((await finishWorkflow(b, id)).status).toBe('completed');
  });
});
