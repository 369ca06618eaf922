import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { waitFor } from '../support/slow-step.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { dispatchOf, httpFixture, type HttpFixture } from './http-fixture.js';

let h: HttpFixture;
beforeAll(async () => {
  h = await httpFixture('http_graceful_stop');
  await h.setPolicy('allow_private_networks => true');
});
afterAll(async () => h?.close());

function pool(): WorkerPool {
  return new WorkerPool({ url: h.fx.url, workers: 1, callSeconds: 1, idlePollMs: 5, httpConcurrency: 4 });
}

const seen = (path: string) => async () => h.server.requests.some((r) => r.path === path);

describe('stopping the HTTP runner', () => {
  it('lets a request finish within the grace period, gives the unfinished one back, and another runner takes it at once', async () => {
    const first = pool();
    await first.start();
    const hanging = h.server.url('/first-hangs?key=stop');
    const hangingId = await startWorkflow(h.fx, `df.http($1, 'POST', 'payload', timeout_seconds => 60)`, [hanging]);
    await waitFor('the hanging request', seen('/first-hangs?key=stop'));
    const quickId = await startWorkflow(h.fx, `df.http($1, 'GET')`, [h.server.url('/slow?ms=400')]);
    await waitFor('the quick request', seen('/slow?ms=400'));

    const stopping = Date.now();
    await first.stop(1500);
    expect(Date.now() - stopping).toBeLessThan(4000);

    // The request that answered within the grace period completed its step…
    expect((await awaitWorkflow(h.fx, quickId, 1)).status).toBe('completed');
    // …the one that did not was aborted, and its lease given back: no runner holds it.
    expect(await h.fx.value('SELECT status FROM df.instances WHERE id = $1', [hangingId])).toBe('running');
    expect(await dispatchOf(h.fx, hangingId)).toMatchObject({ lease_token: null, lease_until: null, leases: 1, expired_leases: 0 });
    expect(await h.fx.value(`SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'pg_durable http runner' AND datname = current_database()`)).toBe(0);

    // The next runner sends it again at once (not after the lease's 90 s), with the same key.
    const second = pool();
    const restarted = Date.now();
    await second.start();
    try {
      const done = await awaitWorkflow(h.fx, hangingId, 20);
      expect(Date.now() - restarted).toBeLessThan(10_000);
      expect(done.status).toBe('completed');
      expect(done.result).toMatchObject({ status: 200, body: 'answered stop' });
    } finally {
      await second.stop();
    }
    const sent = h.server.requests.filter((r) => r.path === '/first-hangs?key=stop');
    expect(sent.length).toBe(2);
    expect(sent.map((r) => r.body.toString())).toEqual(['payload', 'payload']);
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
  });
});
