import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { httpFixture, type HttpFixture } from './http-fixture.js';

let h: HttpFixture;
beforeAll(async () => {
  h = await httpFixture('http_concurrency');
  await h.setPolicy('allow_private_networks => true');
});
afterAll(async () => h?.close());

/** Starts `count` instances of one slow GET each and waits for them all; their wall time in ms. */
async function slowRequests(httpConcurrency: number, count: number): Promise<number> {
  h.server.reset();
  const pool = new WorkerPool({ url: h.fx.url, workers: 1, callSeconds: 2, idlePollMs: 5, httpConcurrency });
  await pool.start();
  try {
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await startWorkflow(h.fx, `df.http($1, 'GET')`, [h.server.url(`/slow?ms=1000&i=${i}`)]));
    for (const id of ids) expect((await awaitWorkflow(h.fx, id, 30)).status).toBe('completed');
    return Date.now() - started;
  } finally {
    await pool.stop();
  }
}

describe('the HTTP runner', () => {
  it('performs slow requests in parallel', async () => {
    const ms = await slowRequests(16, 6);
    expect(h.server.requests.length).toBe(6);
    expect(h.server.maxInFlight()).toBe(6);
    expect(ms).toBeLessThan(3000); // one after the other would take 6 s
  });

  it('never has more requests in flight than --http-concurrency', async () => {
    const ms = await slowRequests(2, 6);
    expect(h.server.requests.length).toBe(6);
    expect(h.server.maxInFlight()).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(3000); // three rounds of two
  });
});
