import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performHttp } from '../../../src/http/perform.js';
import type { HttpRequest, HttpResult } from '../../../src/http/request.js';
import { startHttpServer, type TestHttpServer } from '../../support/http-server.js';
import { httpRequest } from './fixtures.js';

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => server?.close());

async function completed(request: HttpRequest): Promise<HttpResult> {
  const outcome = await performHttp(request, request.policy);
  if (outcome.kind !== 'completed') throw new Error(`expected a completed outcome, got: ${outcome.error}`);
  return outcome.result;
}

describe('performHttp sends', () => {
  it('the method, the caller’s headers, User-Agent and Idempotency-Key, and the body as given with no Content-Type', async () => {
    server.reset();
    await completed(
      httpRequest(server.url('/echo?q=1'), { method: 'post', headers: { 'X-Trace': 'abc' }, body: '{"a":"ü"}', idempotency_key: 'inst:3:0' }),
    );
    const [seen] = server.requests;
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/echo?q=1');
    expect(seen.headers['x-trace']).toBe('abc');
    expect(seen.headers['user-agent']).toBe('pg_durable/0.0.0-test');
    expect(seen.headers['idempotency-key']).toBe('inst:3:0');
    expect(seen.headers).not.toHaveProperty('content-type');
    expect(seen.body.toString('utf8')).toBe('{"a":"ü"}');
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"ü"}')));
  });

  it('the caller’s Idempotency-Key instead of its own', async () => {
    server.reset();
    await completed(httpRequest(server.url('/echo'), { headers: { 'IDEMPOTENCY-KEY': 'mine' } }));
    expect(server.requests[0].headers['idempotency-key']).toBe('mine');
  });

  it('no body for a GET without one', async () => {
    server.reset();
    await completed(httpRequest(server.url('/echo')));
    expect(server.requests[0].body.length).toBe(0);
    expect(server.requests[0].headers).not.toHaveProperty('transfer-encoding');
  });

  it('user name and password of the URL as basic authentication', async () => {
    server.reset();
    await completed(httpRequest(server.url('/echo').replace('http://', 'http://us%40er:p%3Ass@')));
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
  });

  it('a multipart body whose Content-Type replaces the caller’s', async () => {
    server.reset();
    await completed(
      httpRequest(server.url('/echo'), {
        type: 'HTTP_MULTIPART',
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        parts: [
          { name: 'note', data: 'hello' },
          { name: 'file', filename: 'f.txt', content_type: 'text/plain', data_b64: 'aGk=' },
        ],
      }),
    );
    const [seen] = server.requests;
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(seen.headers['content-type'])?.[1];
    expect(boundary).toBeDefined();
    expect(seen.body.toString()).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n` +
        `--${boundary}--\r\n`,
    );
  });

  it('nothing when a multipart part is invalid, and fails the node saying which', async () => {
    server.reset();
    const outcome = await performHttp(
      httpRequest(server.url('/echo'), { type: 'HTTP_MULTIPART', method: 'POST', parts: [{ name: 'f', data: 'a', data_b64: 'YQ==' }] }),
      httpRequest('').policy,
    );
    expect(outcome).toEqual({
      kind: 'failed',
      error: `HTTP POST ${server.url('/echo')}: multipart part 1 ('f') has both data and data_b64; give exactly one`,
    });
    expect(server.requests).toEqual([]);
  });

  it('nothing when a header cannot be sent, and never shows its value', async () => {
    server.reset();
    const outcome = await performHttp(httpRequest(server.url('/echo'), { headers: { 'X-Api-Key': 'top-secret\r\nX: 1' } }), httpRequest('').policy);
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.error).toBe(
      `HTTP GET ${server.url('/echo')}: header 'X-Api-Key' has a value that cannot be sent (a line break or control character)`,
    );
    expect(JSON.stringify(outcome)).not.toContain('top-secret');
    expect(server.requests).toEqual([]);
  });
});
