import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performHttp } from '../../../src/http/perform.js';
import { startHttpServer, type TestHttpServer } from '../../support/http-server.js';
import { DEFAULT_POLICY, httpRequest, LOOPBACK_POLICY, policy } from './fixtures.js';

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => server?.close());

const restricted = (host: string) => `Blocked: the resolved IP address for '${host}' is in a restricted range`;

describe('performHttp under the default policy', () => {
  it.each([
    ['http://127.0.0.1:PORT/echo', '127.0.0.1'],
    ['http://2130706433:PORT/echo', '127.0.0.1'],
    ['http://0x7f.1:PORT/echo', '127.0.0.1'],
    ['http://0177.0.0.01:PORT/echo', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]:PORT/echo', '::ffff:7f00:1'],
    ['http://localhost:PORT/echo', 'localhost'],
    ['http://127.000.000.001:PORT/echo', '127.0.0.1'],
    ['http://LOCALHOST:PORT/echo', 'localhost'],
  ])('refuses %s and sends nothing', async (template, host) => {
    server.reset();
    const outcome = await performHttp(httpRequest(template.replace('PORT', String(server.port))), DEFAULT_POLICY);
    expect(outcome).toEqual({ kind: 'failed', error: restricted(host) });
    expect(server.requests).toEqual([]);
  });

  it('refuses a scheme, a timeout and a host outside allowed_hosts, and sends nothing', async () => {
    server.reset();
    expect(await performHttp(httpRequest('ftp://127.0.0.1/x'), LOOPBACK_POLICY)).toEqual({
      kind: 'failed',
      error: "Blocked: unsupported URL scheme 'ftp'. Only http and https are allowed.",
    });
    expect(await performHttp(httpRequest(server.url('/echo'), { timeout_seconds: 301 }), LOOPBACK_POLICY)).toEqual({
      kind: 'failed',
      error: "Blocked: timeout_seconds 301 exceeds the egress policy's max_timeout_seconds (300)",
    });
    expect(await performHttp(httpRequest(server.url('/echo')), policy({ allow_private_networks: true, allowed_hosts: ['*.example.com'] }))).toEqual({
      kind: 'failed',
      error: "Blocked: host '127.0.0.1' is not in the egress policy's allowed_hosts",
    });
    expect(server.requests).toEqual([]);
  });

  it('reaches the same server when private networks are allowed, by address and by name', async () => {
    server.reset();
    expect((await performHttp(httpRequest(server.url('/text')), LOOPBACK_POLICY)).kind).toBe('completed');
    expect((await performHttp(httpRequest(`http://localhost:${server.port}/text`), policy({ allow_private_networks: true, allowed_hosts: ['LOCALHOST'] }))).kind).toBe(
      'completed',
    );
    expect(server.requests.length).toBe(2);
  });
});
