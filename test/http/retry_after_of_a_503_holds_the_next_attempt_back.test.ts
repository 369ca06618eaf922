import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { httpFixture, type HttpFixture } from './http-fixture.js';

let h: HttpFixture;
beforeAll(async () => {
  h = await httpFixture('http_retry_after');
  await h.setPolicy('allow_private_networks => true');
  h.fx.workers = new WorkerPool({ url: h.fx.url, workers: 1, callSeconds: 2, idlePollMs: 5, httpConcurrency: 4 });
  await h.fx.workers.start();
});
afterAll(async () => h?.close());

describe('a 503 under df.retry', () => {
  it('waits at least its Retry-After before the next attempt, and fails with the status and body in the end', async () => {
    const url = h.server.url('/status/503?retry_after=2&body=busy');
    const done = await awaitWorkflow(h.fx, await startWorkflow(h.fx, `df.retry(df.http($1, 'GET'), 2, 0.1)`, [url]), 30);
    expect(done.status).toBe('failed');
    expect(done.error).toContain(`HTTP GET ${url} returned 503: busy`);
    const sent = h.server.requests.filter((r) => r.path === '/status/503?retry_after=2&body=busy');
    expect(sent.length).toBe(2);
    expect(sent[1].at - sent[0].at).toBeGreaterThanOrEqual(1900);
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
  });
});
