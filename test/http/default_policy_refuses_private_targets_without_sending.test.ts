import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { awaitWorkflow, startWorkflow } from '../support/workflow.js';
import { httpFixture, type HttpFixture } from './http-fixture.js';

let h: HttpFixture;
beforeAll(async () => {
  h = await httpFixture('http_default_policy');
  // Workers and the runner of the role; the fixture's close() stops them.
  h.fx.workers = new WorkerPool({ url: h.fx.url, workers: 1, callSeconds: 2, idlePollMs: 5, httpConcurrency: 4 });
  await h.fx.workers.start();
});
afterAll(async () => h?.close());

const restricted = (host: string) => `Blocked: the resolved IP address for '${host}' is in a restricted range`;

async function failure(url: string, args = `'GET'`): Promise<string | null> {
  const done = await awaitWorkflow(h.fx, await startWorkflow(h.fx, `df.http($1, ${args})`, [url]), 30);
  expect(done.status).toBe('failed');
  return done.error;
}

describe('the HTTP runner under the default egress policy', () => {
  it.each([
    ['http://127.0.0.1:PORT/echo', '127.0.0.1'],
    ['http://2130706433:PORT/echo', '127.0.0.1'],
    ['http://0x7f.1:PORT/echo', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]:PORT/echo', '::ffff:7f00:1'],
    ['http://localhost:PORT/echo', 'localhost'],
  ])('fails the node for %s, and the server sees no request', async (template, host) => {
    h.server.reset();
    expect(await failure(template.replace('PORT', String(h.server.port)))).toBe(restricted(host));
    expect(h.server.requests).toEqual([]);
  });

  it('refuses a host outside allowed_hosts and a timeout above max_timeout_seconds, sending nothing', async () => {
    h.server.reset();
    await h.setPolicy(`allowed_hosts => '{*.example.com}', allow_private_networks => true`);
    try {
      expect(await failure(h.server.url('/echo'))).toBe("Blocked: host '127.0.0.1' is not in the egress policy's allowed_hosts");
      await h.setPolicy(`allowed_hosts => '{}', max_timeout_seconds => 5`);
      expect(await failure(h.server.url('/echo'), `'GET', timeout_seconds => 10`)).toBe(
        "Blocked: timeout_seconds 10 exceeds the egress policy's max_timeout_seconds (5)",
      );
      expect(h.server.requests).toEqual([]);
    } finally {
      await h.setPolicy(`allowed_hosts => '{}', allow_private_networks => false, max_timeout_seconds => 300`);
    }
  });

  it('reaches the same server once an administrator allows private networks', async () => {
    h.server.reset();
    await h.setPolicy('allow_private_networks => true');
    try {
      const done = await awaitWorkflow(h.fx, await startWorkflow(h.fx, `df.http($1, 'GET')`, [`http://localhost:${h.server.port}/text`]), 30);
      expect(done.status).toBe('completed');
      expect(h.server.requests.length).toBe(1);
    } finally {
      await h.setPolicy('allow_private_networks => false');
    }
  });
});
