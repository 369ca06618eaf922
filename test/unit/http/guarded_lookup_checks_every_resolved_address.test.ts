import http from 'node:http';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup, type Resolve } from '../../../src/http/guard.js';
import { startHttpServer, type TestHttpServer } from '../../support/http-server.js';
import { DEFAULT_POLICY, policy } from './fixtures.js';

/** A resolver that answers from a table and counts its calls. */
function fakeDns(table: Record<string, LookupAddress[]>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = ((host, callback) => {
    calls.push(host);
    const answer = table[host];
    if (answer) callback(null, answer);
    else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
  }) as Resolve & { calls: string[] };
  resolve.calls = calls;
  return resolve;
}

function lookup(resolve: Resolve, host: string, options: { all?: boolean; family?: number } = {}, p = DEFAULT_POLICY) {
  return new Promise<{ err: Error | null; address: unknown; family?: number }>((done) =>
    guardedLookup(p, resolve)(host, options, (err, address, family) => done({ err, address, family })),
  );
}

const PUBLIC_V4 = { address: '93.184.215.14', family: 4 };
const PUBLIC_V6 = { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 };

describe('guardedLookup', () => {
  it('hands over every address of a public host, or the first one', async () => {
    const dns = fakeDns({ 'public.test': [PUBLIC_V4, PUBLIC_V6] });
    expect((await lookup(dns, 'public.test', { all: true })).address).toEqual([PUBLIC_V4, PUBLIC_V6]);
    expect(await lookup(dns, 'public.test')).toEqual({ err: null, address: PUBLIC_V4.address, family: 4 });
    expect((await lookup(dns, 'public.test', { family: 6 })).address).toBe(PUBLIC_V6.address);
  });

  it('refuses a host when any one of its addresses is restricted', async () => {
    const dns = fakeDns({
      'mixed.test': [PUBLIC_V4, { address: '10.0.0.5', family: 4 }],
      'mapped.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
      'local.test': [{ address: '::1', family: 6 }],
    });
    for (const host of ['mixed.test', 'mapped.test', 'local.test']) {
      const { err } = await lookup(dns, host, { all: true });
      expect(err?.message).toBe(`Blocked: the resolved IP address for '${host}' is in a restricted range`);
    }
  });

  it('lets restricted addresses through when private networks are allowed', async () => {
    const dns = fakeDns({ 'local.test': [{ address: '127.0.0.1', family: 4 }] });
    expect((await lookup(dns, 'local.test', {}, policy({ allow_private_networks: true }))).address).toBe('127.0.0.1');
  });

  it('passes a failed resolution on with its code', async () => {
    const { err } = await lookup(fakeDns({}), 'nowhere.test');
    expect((err as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  describe('on a real connection', () => {
    let server: TestHttpServer;
    beforeAll(async () => {
      server = await startHttpServer();
    });
    afterAll(async () => server?.close());

    it('connects to the address it checked, resolving once (DNS cannot answer differently the second time)', async () => {
      // Answers 127.0.0.1 once, then a public address: only the first answer may be used.
      let answers = 0;
      const rebinding: Resolve = (_host, callback) =>
        callback(null, [answers++ === 0 ? { address: '127.0.0.1', family: 4 } : PUBLIC_V4]);
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = http.request(
          { hostname: 'rebind.test', port: server.port, path: '/text', agent: false, lookup: guardedLookup(policy({ allow_private_networks: true }), rebinding) },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(answers).toBe(1);
      expect(server.requests.map((r) => r.headers.host)).toEqual([`rebind.test:${server.port}`]);
    });
  });
});
