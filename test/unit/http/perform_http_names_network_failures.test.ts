import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { performHttp } from '../../../src/http/perform.js';
import { httpRequest, LOOPBACK_POLICY } from './fixtures.js';

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('performHttp names the cause of a network failure', () => {
  it('connection refused, with the address', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/x`;
    expect(await performHttp(httpRequest(url), LOOPBACK_POLICY)).toEqual({ kind: 'failed', error: `HTTP GET ${url}: connection refused (127.0.0.1:${port})` });
  });

  it('a failed DNS lookup, with the host', async () => {
    const url = 'http://no-such-host.invalid/x';
    const outcome = await performHttp(httpRequest(url), LOOPBACK_POLICY);
    expect(outcome.kind === 'failed' && outcome.error).toMatch(/^HTTP GET http:\/\/no-such-host\.invalid\/x: DNS lookup failed for 'no-such-host\.invalid' \((ENOTFOUND|EAI_AGAIN)\)$/);
  });

  it('the server closing the connection without an answer', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    try {
      expect(await performHttp(httpRequest(url), LOOPBACK_POLICY)).toEqual({ kind: 'failed', error: `HTTP GET ${url}: connection reset by the server` });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a response that is not HTTP', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH\r\n\r\n')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    try {
      const outcome = await performHttp(httpRequest(url), LOOPBACK_POLICY);
      expect(outcome.kind === 'failed' && outcome.error).toMatch(/^HTTP GET .*: invalid HTTP response from the server \(HPE_[A-Z_]+\)$/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('an invalid URL, without the password of a URL', async () => {
    expect(await performHttp(httpRequest('http://exa mple.com/'), LOOPBACK_POLICY)).toEqual({ kind: 'failed', error: 'HTTP GET http://exa mple.com/: invalid URL' });
    const port = await closedPort();
    const outcome = await performHttp(httpRequest(`http://user:hunter2@127.0.0.1:${port}/`), LOOPBACK_POLICY);
    expect(outcome.kind === 'failed' && outcome.error).toBe(`HTTP GET http://***@127.0.0.1:${port}/: connection refused (127.0.0.1:${port})`);
  });
});
