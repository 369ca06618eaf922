import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performHttp } from '../../../src/http/perform.js';
import { startHttpServer, type TestHttpServer } from '../../support/http-server.js';
import { httpRequest, LOOPBACK_POLICY } from './fixtures.js';

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => server?.close());

describe('performHttp bounds', () => {
  it('the whole exchange by timeout_seconds, while waiting for the answer', async () => {
    const started = Date.now();
    const outcome = await performHttp(httpRequest(server.url('/slow?ms=-1'), { timeout_seconds: 1 }), LOOPBACK_POLICY);
    expect(outcome).toEqual({ kind: 'failed', error: `HTTP GET ${server.url('/slow?ms=-1')}: timed out after 1 s` });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('the whole exchange by timeout_seconds, while reading the body', async () => {
    const outcome = await performHttp(httpRequest(server.url('/slow-body?ms=5000'), { timeout_seconds: 1 }), LOOPBACK_POLICY);
    expect(outcome).toEqual({ kind: 'failed', error: `HTTP GET ${server.url('/slow-body?ms=5000')}: timed out after 1 s` });
  });

  it('the body by max_response_bytes, with or without a Content-Length', async () => {
    const limited = { ...LOOPBACK_POLICY, max_response_bytes: 100_000 };
    for (const length of ['0', '1']) {
      const url = server.url(`/bytes?n=100001&length=${length}`);
      expect(await performHttp(httpRequest(url), limited)).toEqual({
        kind: 'failed',
        error: `HTTP GET ${url}: response body exceeds the egress policy's max_response_bytes (100000)`,
      });
    }
    const exact = await performHttp(httpRequest(server.url('/bytes?n=100000')), limited);
    expect(exact.kind === 'completed' && exact.result.body.length).toBe(100_000);
  });

  it('reads a large body whole under the default limit', async () => {
    const outcome = await performHttp(httpRequest(server.url('/bytes?n=3000000')), LOOPBACK_POLICY);
    expect(outcome.kind === 'completed' && outcome.result.body.length).toBe(3_000_000);
  });

  it('stops at once when its signal aborts', async () => {
    const controller = new AbortController();
    const pending = performHttp(httpRequest(server.url('/slow?ms=-1')), LOOPBACK_POLICY, controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toEqual({ kind: 'failed', error: `HTTP GET ${server.url('/slow?ms=-1')}: aborted` });
  });
});
