// One HTTP exchange under the egress guard, bounded in time and size.
//
// The client is Node's own node:http/node:https, on purpose: http.request never follows a
// redirect (a 3xx is an ordinary result), and its `lookup` option lets the guard resolve
// the host once, check every address and hand the connection only checked ones, so DNS
// rebinding cannot slip a second answer in; fetch (undici) offers neither without extra
// machinery, and no dependency is added.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Blocked, checkAddress, guardedLookup } from './guard.js';
import type { EgressPolicy } from './request.js';
import { describeNetworkError } from './network-errors.js';

export interface Exchange {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  timeoutSeconds: number;
  policy: EgressPolicy;
  signal?: AbortSignal;
  /** `HTTP <M> <url>`, the start of every failure text. */
  label: string;
}

export interface RawResponse {
  status: number;
  rawHeaders: string[];
  contentType: string | undefined;
  body: Buffer;
}

/** A failure of the exchange; its message is the node's error text. */
export class ExchangeError extends Error {}

/** Sends the request and reads the whole response; rejects with an ExchangeError. */
export function exchange(x: Exchange): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const host = x.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const limit = x.policy.max_response_bytes;
    const tooLarge = `${x.label}: response body exceeds the egress policy's max_response_bytes (${limit})`;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      x.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const fail = (text: string) =>
      settle(() => {
        req.destroy();
        reject(new ExchangeError(text));
      });

    const req = (x.url.protocol === 'https:' ? https : http).request({
      protocol: x.url.protocol,
      hostname: host,
      port: x.url.port === '' ? undefined : Number(x.url.port),
      path: `${x.url.pathname}${x.url.search}`,
      method: x.method,
      headers: framed(x.headers, x.body),
      auth: x.url.username === '' && x.url.password === '' ? undefined : `${decodeURIComponent(x.url.username)}:${decodeURIComponent(x.url.password)}`,
      agent: false, // a fresh connection each time: a pooled socket would skip the connect check
      lookup: guardedLookup(x.policy),
    });
    const timer = setTimeout(() => fail(`${x.label}: timed out after ${x.timeoutSeconds} s`), x.timeoutSeconds * 1000);
    const onAbort = () => fail(`${x.label}: aborted`);
    if (x.signal?.aborted) onAbort();
    x.signal?.addEventListener('abort', onAbort, { once: true });

    // The last line of the guard: the address actually connected to.
    req.on('socket', (socket: Socket) => {
      const check = () => {
        try {
          checkAddress(host, socket.remoteAddress ?? '', x.policy);
        } catch (blocked) {
          fail((blocked as Error).message);
        }
      };
      if (socket.connecting) socket.once('connect', check);
      else check();
    });
    req.on('error', (e) => fail(e instanceof Blocked ? e.message : `${x.label}: ${describeNetworkError(e, host)}`));
    req.on('response', (res) => {
      if (Number(res.headers['content-length']) > limit) return fail(tooLarge);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) fail(tooLarge);
        else chunks.push(chunk);
      });
      res.on('end', () =>
        settle(() =>
          resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, contentType: res.headers['content-type'], body: Buffer.concat(chunks) }),
        ),
      );
      res.on('error', (e) => fail(`${x.label}: ${describeNetworkError(e, host)}`));
      res.on('close', () => {
        if (!res.complete) fail(`${x.label}: the connection closed before the response ended`);
      });
    });
    req.end(x.body ?? undefined);
  });
}

/**
 * The body's length is ours to state: without it Node streams a GET or DELETE body in a way
 * servers refuse, and a caller's wrong Content-Length would break the message's framing.
 */
function framed(headers: Record<string, string>, body: Buffer | null): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
  return body === null ? kept : { ...kept, 'Content-Length': String(body.length) };
}
