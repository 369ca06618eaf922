import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { startCli } from '../cli/run-cli.js';
import { waitFor } from '../support/slow-step.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { httpFixture, type HttpFixture } from './http-fixture.js';

let h: HttpFixture;
beforeAll(async () => {
  h = await httpFixture('http_runner_killed');
  await h.setPolicy('allow_private_networks => true');
});
afterAll(async () => h?.close());

describe('an HTTP runner killed mid-request', () => {
  it('leaves its lease to run out; then another runner sends the request again with the same key, and the step completes once', async () => {
    const worker = startCli(['worker', '--url', h.fx.url, '--workers', '1', '--http-concurrency', '4']);
    const path = '/first-hangs?key=killed';
    // A 2 s timeout: the lease lasts that plus the engine's grace.
    const id = await startWorkflow(h.fx, `df.http($1, 'PUT', '{"n":1}', timeout_seconds => 2)`, [h.server.url(path)]);
    await waitFor('the first request', async () => h.server.requests.some((r) => r.path === path));
    const leaseUntil = new Date(await h.fx.value<string>('SELECT lease_until::text FROM df.dispatches WHERE instance_id = $1', [id]));
    worker.child.kill('SIGKILL');
    await worker.done;

    const rescuer = new WorkerPool({ url: h.fx.url, workers: 1, callSeconds: 2, idlePollMs: 5, httpConcurrency: 4 });
    await rescuer.start();
    try {
      const done = await awaitWorkflow(h.fx, id, 75);
      expect(done.status).toBe('completed');
      expect(done.result).toMatchObject({ status: 200, body: 'answered killed', ok: true });
    } finally {
      await rescuer.stop();
    }
    const sent = h.server.requests.filter((r) => r.path === path);
    expect(sent.length).toBe(2);
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
    expect(sent.map((r) => `${r.method} ${r.body.toString()}`)).toEqual(['PUT {"n":1}', 'PUT {"n":1}']);
    // Not sent again before the lease ran out; the expired lease is counted.
    expect(sent[1].at).toBeGreaterThanOrEqual(leaseUntil.getTime());
    const details = await h.fx.value('SELECT status_details FROM df.nodes WHERE instance_id = $1 AND status = $2', [id, 'completed']);
    expect(details).toMatchObject({ leases: 2, expired_leases: 1 });
  }, 120_000);
});
