// A real HTTP server on 127.0.0.1 for the HTTP step tests. It records every request it
// receives (so a test can prove a refused request never arrived) and answers by path:
//   /echo                  JSON of the method, URL, headers and body it received
//   /json, /text           a JSON object, a plain text
//   /binary                bytes that are not UTF-8 (application/octet-stream)
//   /utf8-octets           UTF-8 text labelled application/octet-stream
//   /latin1                text/plain; charset=iso-8859-1
//   /bytes?n=N&length=0|1  N bytes of 'x', streamed in chunks, with or without Content-Length
//   /slow?ms=N             answers 'slow' after N ms (ms=-1: never)
//   /slow-body?ms=N        sends the headers at once and the body after N ms
//   /status/C?body=B&retry_after=R&location=L   status C, text body B, optional headers
//   /repeated              a header sent twice
//   /first-hangs?key=K     the first request for K never gets an answer, the later ones get 200 at once
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Date.now() when the request had arrived whole. */
  at: number;
}

export interface TestHttpServer {
  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string;
  port: number;
  /** Requests received so far, in arrival order (recorded when the request starts). */
  requests: SeenRequest[];
  /** Requests being answered right now, and the most there ever were at once. */
  inFlight(): number;
  maxInFlight(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startHttpServer(): Promise<TestHttpServer> {
  const requests: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const keys: Keys = new Set();
  let inFlight = 0;
  let maxInFlight = 0;
  const later = (ms: number, fn: () => void) => {
    if (ms < 0) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://test');
      const seen: SeenRequest = { method: req.method ?? '', path: url.pathname + url.search, headers: joined(req.rawHeaders), body: Buffer.concat(chunks), at: Date.now() };
      requests.push(seen);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      answer(url, seen, res, later, keys);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    reset() {
      requests.length = 0;
      maxInFlight = inFlight;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Keys of /first-hangs already asked for. */
type Keys = Set<string>;

function answer(url: URL, seen: SeenRequest, res: http.ServerResponse, later: (ms: number, fn: () => void) => void, keys: Keys): void {
  const q = url.searchParams;
  const send = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': type, ...extra });
    res.end(body);
  };
  const path = url.pathname;
  if (path === '/echo') {
    return send(200, 'application/json', JSON.stringify({ method: seen.method, path: seen.path, headers: seen.headers, body: seen.body.toString('utf8') }));
  }
  if (path === '/json') return send(200, 'application/json; charset=utf-8', '{"hello":"wörld","n":1}');
  if (path === '/text') return send(200, 'text/plain', 'plain text');
  if (path === '/binary') return send(200, 'application/octet-stream', Buffer.from([0x00, 0xff, 0xfe, 0x41]));
  if (path === '/utf8-octets') return send(200, 'application/octet-stream', 'naïve');
  if (path === '/latin1') return send(200, 'text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  if (path === '/bytes') {
    const n = Number(q.get('n') ?? '0');
    res.writeHead(200, { 'Content-Type': 'text/plain', ...(q.get('length') === '1' ? { 'Content-Length': String(n) } : {}) });
    for (let sent = 0; sent < n; sent += 16_384) res.write('x'.repeat(Math.min(16_384, n - sent)));
    res.end();
    return;
  }
  if (path === '/slow') return later(Number(q.get('ms') ?? '1000'), () => send(200, 'text/plain', 'slow'));
  if (path === '/slow-body') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('start ');
    return later(Number(q.get('ms') ?? '1000'), () => res.end('end'));
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const extra: Record<string, string> = {};
    if (q.has('retry_after')) extra['Retry-After'] = q.get('retry_after')!;
    if (q.has('location')) extra.Location = q.get('location')!;
    return send(Number(status[1]), 'text/plain; charset=utf-8', q.get('body') ?? `status ${status[1]}`, extra);
  }
  if (path === '/repeated') {
    res.writeHead(200, [['Content-Type', 'text/plain'], ['X-Multi', 'one'], ['X-Multi', 'two'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']].flat());
    res.end('repeated');
    return;
  }
  if (path === '/first-hangs') {
    const key = q.get('key') ?? '';
    if (!keys.has(key)) return void keys.add(key);
    return send(200, 'text/plain', `answered ${key}`);
  }
  send(404, 'text/plain', 'no such test endpoint');
}

function joined(raw: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${raw[i + 1]}` : raw[i + 1];
  }
  return headers;
}
