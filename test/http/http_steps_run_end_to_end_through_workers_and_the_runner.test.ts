// HTTP steps from df.start to the result, through real workers, the CLI's HTTP runner and a
// real server on 127.0.0.1 (spec/outside-steps.md §2): what is sent, what comes back as the
// node's result and as $resp.* in later SQL steps, and which outcomes complete or fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/cli/worker-pool.js';
import { awaitWorkflow, runWorkflow, startWorkflow } from '../support/workflow.js';
import { httpFixture, type HttpFixture } from './http-fixture.js';

let h: HttpFixture;
beforeAll(async () => {
  h = await httpFixture('http_e2e');
  await h.setPolicy('allow_private_networks => true, max_response_bytes => 100000');
  h.fx.workers = new WorkerPool({ url: h.fx.url, workers: 2, callSeconds: 2, idlePollMs: 5, httpConcurrency: 8 });
  await h.fx.workers.start();
});
afterAll(async () => {
  await h?.setPolicy('allow_private_networks => false, max_response_bytes => 10485760');
  await h?.close();
});

const run = (expression: string, params: unknown[] = []) => runWorkflow(h.fx, expression, params);
const url = (path: string) => h.server.url(path);

describe('requests', () => {
  it.each(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'])('%s sends its body and headers as given, with a user agent and an idempotency key', async (method) => {
    const done = await run(
      `df.http($1, $2, $3, '{"X-Case":"Mixed Value","Content-Type":"text/csv"}') |=> 'resp' ~> 'SELECT ($resp.body)::jsonb AS echoed'`,
      [url('/echo'), method, 'a,b\n1,2'],
    );
    expect(done.status).toBe('completed');
    const echoed = (done.result as { rows: { echoed: { method: string; body: string; headers: Record<string, string> } }[] }).rows[0].echoed;
    expect(echoed.method).toBe(method);
    expect(echoed.body).toBe('a,b\n1,2');
    expect(echoed.headers['x-case']).toBe('Mixed Value');
    expect(echoed.headers['content-type']).toBe('text/csv');
    expect(echoed.headers['user-agent']).toMatch(/^pg_durable\/\d+\.\d+\.\d+$/);
    expect(echoed.headers['idempotency-key']).toMatch(new RegExp(`^pg_durable-${done.id}-\\d+-\\d+$`));
  });

  it('sends no Content-Type of its own and keeps a caller\'s Idempotency-Key', async () => {
    const done = await run(`df.http($1, 'POST', 'raw', '{"Idempotency-Key":"mine-1"}') |=> 'r' ~> 'SELECT ($r.body)::jsonb AS e'`, [url('/echo')]);
    const headers = (done.result as { rows: { e: { headers: Record<string, string> } }[] }).rows[0].e.headers;
    expect(headers['content-type']).toBeUndefined();
    expect(headers['idempotency-key']).toBe('mine-1');
  });

  it('multipart: text and base64 parts (whitespace allowed), its own Content-Type replacing the caller\'s', async () => {
    const parts = [
      { name: 'meta', data: '{"title":"Q3"}', content_type: 'application/json' },
      { name: 'file', filename: 'r.bin', content_type: 'application/octet-stream', data_b64: 'AAEC\n/w==' },
    ];
    const done = await run(`df.http_multipart($1, 'POST', $2::jsonb, '{"Content-Type":"text/plain"}')`, [url('/echo'), JSON.stringify(parts)]);
    expect(done.status).toBe('completed');
    const seen = h.server.requests.find((r) => r.path === '/echo' && r.headers['content-type']?.startsWith('multipart/form-data'))!;
    const boundary = /boundary=(.+)$/.exec(seen.headers['content-type'])![1];
    const body = seen.body.toString('latin1');
    expect(body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"title":"Q3"}\r\n`);
    expect(body).toContain(`Content-Disposition: form-data; name="file"; filename="r.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\x02\xff\r\n--${boundary}--`);
  });
});

describe('responses', () => {
  it('JSON, text, binary and other charsets come back as text or base64 with lower-case headers', async () => {
    const done = await run(
      `df.join3(df.http($1, 'GET'), df.http($2, 'GET'), df.http($3, 'GET')) |=> 'j' ~> df.http($4, 'GET') |=> 'l' ~> 'SELECT $l.body AS latin1, $l.encoding AS enc'`,
      [url('/json'), url('/text'), url('/binary'), url('/latin1')],
    );
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ rows: [{ latin1: 'café', enc: 'text' }], row_count: 1 });
    const joined = await h.fx.value<Record<string, unknown>[]>(
      `SELECT result FROM df.instance_nodes($1) WHERE node_type = 'JOIN'`, [done.id],
    );
    expect(joined[0]).toMatchObject({ status: 200, ok: true, encoding: 'text', body: '{"hello":"wörld","n":1}' });
    expect((joined[0] as { headers: Record<string, string> }).headers['content-type']).toBe('application/json; charset=utf-8');
    expect(joined[1]).toMatchObject({ body: 'plain text', encoding: 'text' });
    expect(joined[2]).toMatchObject({ body: Buffer.from([0x00, 0xff, 0xfe, 0x41]).toString('base64'), encoding: 'base64' });
    expect(typeof (joined[0] as { duration_ms: number }).duration_ms).toBe('number');
  });

  it('a 3xx is a result, not followed; a 4xx completes with ok false', async () => {
    const before = h.server.requests.length;
    const moved = await run(`df.http($1, 'GET') |=> 'r' ~> 'SELECT $r.status AS s, $r.ok AS ok, ($r.headers)::jsonb ->> ''location'' AS loc'`, [
      url(`/status/302?location=${encodeURIComponent(url('/text'))}`),
    ]);
    expect(moved.result).toEqual({ rows: [{ s: 302, ok: false, loc: url('/text') }], row_count: 1 });
    expect(h.server.requests.length - before).toBe(1);
    const missing = await run(`df.http($1, 'GET') |=> 'r' ~> 'SELECT $r.status AS s, $r.ok AS ok, $r.body AS b'`, [url('/status/404?body=nope')]);
    expect(missing.result).toEqual({ rows: [{ s: 404, ok: false, b: 'nope' }], row_count: 1 });
  });

  it('a body up to max_response_bytes arrives whole; one byte more fails the step', async () => {
    const fits = await run(`df.http($1, 'GET') |=> 'r' ~> 'SELECT length($r.body) AS n'`, [url('/bytes?n=100000')]);
    expect(fits.result).toEqual({ rows: [{ n: 100000 }], row_count: 1 });
    const over = await run(`df.http($1, 'GET')`, [url('/bytes?n=100001')]);
    expect(over.status).toBe('failed');
    expect(over.error).toBe(`HTTP GET ${url('/bytes?n=100001')}: response body exceeds the egress policy's max_response_bytes (100000)`);
  });

  it('a response slower than timeout_seconds fails the step naming the timeout', async () => {
    const slow = await run(`df.http($1, 'GET', NULL, NULL, 1)`, [url('/slow?ms=5000')]);
    expect(slow.status).toBe('failed');
    expect(slow.error).toMatch(/timed out after 1 s/);
  });

  it('a 5xx fails with its status and body; df.retry sends it again and a later success completes', async () => {
    const failedOnce = await run(`df.http($1, 'GET')`, [url('/status/500?body=boom')]);
    expect(failedOnce).toMatchObject({ status: 'failed', error: `HTTP GET ${url('/status/500?body=boom')} returned 500: boom` });
    // The first request for the key hangs past the timeout; the retry gets an answer.
    const id = await startWorkflow(h.fx, `df.retry(df.http($1, 'GET', NULL, NULL, 1), 3, 0.1) |=> 'r' ~> 'SELECT $r.body AS b'`, [
      url('/first-hangs?key=e2e-retry'),
    ]);
    const done = await awaitWorkflow(h.fx, id, 30);
    expect(done.result).toEqual({ rows: [{ b: 'answered e2e-retry' }], row_count: 1 });
    const sent = h.server.requests.filter((r) => r.path === '/first-hangs?key=e2e-retry');
    expect(sent.length).toBe(2);
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
  });
});
