import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performHttp } from '../../../src/http/perform.js';
import type { Outcome } from '../../../src/http/request.js';
import { startHttpServer, type TestHttpServer } from '../../support/http-server.js';
import { httpRequest } from './fixtures.js';

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => server?.close());

function get(path: string, method = 'GET'): Promise<Outcome> {
  const request = httpRequest(server.url(path), { method });
  return performHttp(request, request.policy);
}

function completed(outcome: Outcome) {
  if (outcome.kind !== 'completed') throw new Error(`expected a completed outcome, got: ${outcome.error}`);
  return outcome.result;
}

describe('performHttp', () => {
  it('completes a 200 with the result envelope', async () => {
    const result = completed(await get('/json'));
    expect(result).toMatchObject({ status: 200, body: '{"hello":"wörld","n":1}', encoding: 'text', ok: true });
    expect(result.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number.isInteger(result.duration_ms) && result.duration_ms >= 0).toBe(true);
    expect(Object.keys(result)).toEqual(['status', 'body', 'encoding', 'headers', 'ok', 'duration_ms']);
  });

  it('gives binary bodies as base64 and other bodies as text', async () => {
    expect(completed(await get('/binary'))).toMatchObject({ body: 'AP/+QQ==', encoding: 'base64' });
    expect(completed(await get('/utf8-octets'))).toMatchObject({ body: 'naïve', encoding: 'text' });
    expect(completed(await get('/latin1'))).toMatchObject({ body: 'café', encoding: 'text' });
  });

  it('joins repeated response headers', async () => {
    const { headers } = completed(await get('/repeated'));
    expect(headers['x-multi']).toBe('one, two');
    expect(headers['set-cookie']).toBe('a=1, b=2');
  });

  it('does not follow a redirect: a 3xx completes the node with ok false', async () => {
    server.reset();
    const result = completed(await get('/status/302?location=/json'));
    expect(result).toMatchObject({ status: 302, ok: false });
    expect(result.headers.location).toBe('/json');
    expect(server.requests.map((r) => r.path)).toEqual(['/status/302?location=/json']);
  });

  it('completes a 4xx with ok false', async () => {
    expect(completed(await get('/status/404?body=missing'))).toMatchObject({ status: 404, body: 'missing', ok: false });
    expect(completed(await get('/status/204?body='))).toMatchObject({ status: 204, body: '', ok: true });
  });

  it('fails a 5xx with the status and a preview of the body', async () => {
    expect(await get('/status/500?body=boom', 'DELETE')).toEqual({ kind: 'failed', error: `HTTP DELETE ${server.url('/status/500?body=boom')} returned 500: boom` });
    const long = 'é'.repeat(400);
    const outcome = await get(`/status/502?body=${encodeURIComponent(long)}`);
    expect(outcome.kind === 'failed' && outcome.error.endsWith(`returned 502: ${'é'.repeat(256)}`)).toBe(true);
  });

  it('reads Retry-After on a 503 and a 429, and only there', async () => {
    expect(await get('/status/503?retry_after=7')).toMatchObject({ kind: 'failed', retryAfterSeconds: 7 });
    expect(await get('/status/429?retry_after=99999')).toMatchObject({ kind: 'completed', retryAfterSeconds: 3600 });
    const future = new Date(Date.now() + 30_000).toUTCString();
    const dated = await get(`/status/503?retry_after=${encodeURIComponent(future)}`);
    expect(dated.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(dated.retryAfterSeconds).toBeLessThanOrEqual(31);
    expect(await get('/status/500?retry_after=7')).not.toHaveProperty('retryAfterSeconds');
    expect(await get('/status/503')).not.toHaveProperty('retryAfterSeconds');
  });
});
