import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { waitFor } from '../support/slow-step.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { httpFixture, type HttpFixture } from './http-fixture.js';

let h: HttpFixture;
const errors: string[] = [];
beforeAll(async () => {
  h = await httpFixture('http_runner_reconnects');
  await h.setPolicy('allow_private_networks => true');
  h.fx.workers = new WorkerPool({ url: h.fx.url, workers: 1, callSeconds: 2, idlePollMs: 5, httpConcurrency: 4, onError: (e) => errors.push(e.message) });
  await h.fx.workers.start();
});
afterAll(async () => h?.close());

async function terminateRunnerSession(): Promise<number> {
  const admin = await h.fx.scratch.admin();
  const { rows } = await admin.query(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = 'pg_durable http runner'`,
    [h.fx.scratch.name],
  );
  return rows.filter((r) => r.ok).length;
}

describe('an HTTP runner whose session is lost', () => {
  it('completes the request in flight over a new session, without sending it again, and goes on claiming', async () => {
    const id = await startWorkflow(h.fx, `df.http($1, 'GET')`, [h.server.url('/slow?ms=1000')]);
    await waitFor('the request', async () => h.server.requests.length === 1);
    expect(await terminateRunnerSession()).toBe(1);
    const done = await awaitWorkflow(h.fx, id, 30);
    expect(done.status).toBe('completed');
    expect(h.server.requests.length).toBe(1);

    const next = await awaitWorkflow(h.fx, await startWorkflow(h.fx, `df.http($1, 'GET')`, [h.server.url('/text')]), 30);
    expect(next.status).toBe('completed');
    expect(errors.length).toBeGreaterThan(0); // the lost session was reported, not thrown
  });
});
