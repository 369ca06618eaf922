// Dispatch (spec/outside-steps.md §1): a worker that reaches an HTTP step resolves it and
// parks it; only a runner's lease and completion settle it, through the normal checkpoint,
// and every completion that is no longer the leased one changes nothing and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow, startWorkflow } from '../../support/workflow.js';
import { claim, claimOf, complete, nodeOf, response } from './runner.js';
import { waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('d_http');
  const admin = await fx.scratch.admin();
  await admin.query(`SELECT df.grant_usage($1, include_http => true)`, [fx.role]);
  await fx.startWorkers(2);
});
afterAll(async () => fx?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('an HTTP step is dispatched', () => {
  it('with its templates resolved as text, an idempotency key, the user agent and the policy; it waits visibly', async () => {
    await fx.user.query(`SELECT df.setvar('base', 'http://127.0.0.1:9')`);
    const id = await startWorkflow(
      fx,
      `'SELECT ''a b&c'' AS q, 7 AS n' |=> 'p' ~> df.http('{base}/search?q=$p.q', 'post', '{"n":$p.n}', '{"X-Trace":"$p.q"}', 5)`,
    );
    await waitFor('the step to be dispatched', async () =>
      /HTTP POST \{base\}\/search\?q=\$p\.q ⏳ \(dispatched: waiting for a runner\)/.test(await fx.value<string>('SELECT df.explain($1)', [id])));
    const lease = await claimOf(fx, id);
    expect(await fx.value('SELECT df.explain($1)', [id])).toMatch(/⏳ \(dispatched: runner test-runner until \d\d:\d\d:\d\d\)/);
    expect(lease.request).toEqual({
      type: 'HTTP', method: 'POST', url: 'http://127.0.0.1:9/search?q=a b&c', body: '{"n":7}', headers: { 'X-Trace': 'a b&c' },
      parts: null, timeout_seconds: 5, idempotency_key: lease.request.idempotency_key, user_agent: expect.stringMatching(/^pg_durable\/\d/),
      policy: { allowed_hosts: [], allow_private_networks: false, max_response_bytes: 10485760, max_timeout_seconds: 300 },
    });
    expect(lease.request.idempotency_key).toBe(`pg_durable-${id}-${lease.node_id}-${lease.activation_id}`);
    // The lease covers the request's own timeout plus a short grace.
    const leaseSeconds = (lease.lease_until.getTime() - Date.now()) / 1000;
    expect(leaseSeconds).toBeGreaterThan(5);
    expect(leaseSeconds).toBeLessThanOrEqual(5 + 10 + 1);
    const node = await nodeOf(fx, id, lease.node_id);
    expect(node.status).toBe('running');
    expect(node.status_details).toMatchObject({ dispatched: 'http', attempt: 1, runner: 'test-runner', leases: 1, expired_leases: 0 });
    expect(typeof node.status_details!.dispatched_at).toBe('string');
    expect(node.status_details!.lease_until).not.toBeNull();
    await sleep(300); // workers keep running: none of them touches the parked step
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('running');
    expect(await complete(fx, lease, { result: response(200, 'hello') })).toBe('completed');
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
  });

  it('and its result feeds later steps as $resp.status, $resp.body, $resp.ok, $resp.headers and $resp', async () => {
    const id = await startWorkflow(
      fx,
      `df.http('http://127.0.0.1:9/x', 'GET') |=> 'resp' ~> 'SELECT $resp.status AS s, $resp.body AS b, $resp.ok AS ok, ($resp.headers)::jsonb ->> ''etag'' AS e, ($resp)::jsonb ->> ''encoding'' AS enc'`,
    );
    const lease = await claimOf(fx, id);
    await complete(fx, lease, { result: response(201, 'made it', { etag: '"v1"' }) });
    const done = await awaitWorkflow(fx, id);
    expect(done.result).toEqual({ rows: [{ s: 201, b: 'made it', ok: true, e: '"v1"', enc: 'text' }], row_count: 1 });
  });

  it('completes once: a second completion with the same lease, or one with a lease never given, changes nothing', async () => {
    const id = await startWorkflow(fx, `df.http('http://127.0.0.1:9/once', 'GET') |=> 'r' ~> 'SELECT $r.status AS s'`);
    const lease = await claimOf(fx, id);
    expect(await complete(fx, { ...lease, lease_token: '00000000-0000-4000-8000-000000000000' }, { result: response(500) })).toMatch(
      /^discarded: this lease is no longer held/,
    );
    expect(await complete(fx, lease, { result: response(204) })).toBe('completed');
    expect(await complete(fx, lease, { result: response(418) })).toMatch(/^discarded: /);
    expect((await awaitWorkflow(fx, id)).result).toEqual({ rows: [{ s: 204 }], row_count: 1 });
  });

  it('fails with the error a runner reports, as the node result and the instance error', async () => {
    const id = await startWorkflow(fx, `df.http('http://127.0.0.1:9/down', 'GET')`);
    const lease = await claimOf(fx, id);
    const error = 'HTTP GET http://127.0.0.1:9/down returned 503: busy';
    expect(await complete(fx, lease, { error })).toBe(`failed: ${error}`);
    const done = await awaitWorkflow(fx, id);
    expect(done).toMatchObject({ status: 'failed', error });
    expect((await nodeOf(fx, id, lease.node_id)).result).toBe(error);
  });

  it('takes df.retry: a failed attempt is dispatched again with the same key, not before a Retry-After', async () => {
    const id = await startWorkflow(fx, `df.retry(df.http('http://127.0.0.1:9/flaky', 'GET'), 3, 0.2)`);
    const first = await claimOf(fx, id);
    const before = Date.now();
    expect(await complete(fx, first, { error: 'HTTP GET http://127.0.0.1:9/flaky returned 503: later', retryAfter: 2 })).toMatch(/^retrying: /);
    const waiting = await nodeOf(fx, id, first.node_id);
    expect(waiting.status_details).toMatchObject({ attempt: 2, last_error: 'HTTP GET http://127.0.0.1:9/flaky returned 503: later' });
    expect(new Date(waiting.status_details!.next_attempt_at as string).getTime()).toBeGreaterThanOrEqual(before + 1900);
    const second = await claimOf(fx, id);
    expect(Date.now() - before).toBeGreaterThanOrEqual(1900);
    expect(second.activation_id).toBe(first.activation_id);
    expect(second.attempt).toBe(2);
    expect(second.request.idempotency_key).toBe(first.request.idempotency_key);
    expect(second.lease_token).not.toBe(first.lease_token);
    expect(await complete(fx, second, { result: response(200, 'fine') })).toBe('completed');
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
  });

  it('is claimable again once its lease ran out (counted, same key), and the old lease can no longer complete it', async () => {
    const id = await startWorkflow(fx, `df.http('http://127.0.0.1:9/slow', 'GET', NULL, NULL, 1)`);
    const first = await claimOf(fx, id);
    expect(await claim(fx)).toEqual([]); // leased: no other runner gets it
    // Time passing for this one lease (the role may write its own rows; the claim trusts the clock).
    await fx.user.query(`UPDATE df.dispatches SET lease_until = clock_timestamp() - interval '1 second' WHERE activation_id = $1`, [
      first.activation_id,
    ]);
    const second = await claimOf(fx, id);
    expect(second.request.idempotency_key).toBe(first.request.idempotency_key);
    expect((await nodeOf(fx, id, first.node_id)).status_details).toMatchObject({ leases: 2, expired_leases: 1, attempt: 1 });
    expect(await complete(fx, first, { result: response(200) })).toMatch(/^discarded: this lease is no longer held/);
    expect(await complete(fx, second, { result: response(202) })).toBe('completed');
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
  });

  it('is claimable at once when its runner releases it, and a release is not an expiry', async () => {
    const id = await startWorkflow(fx, `df.http('http://127.0.0.1:9/r', 'GET')`);
    const first = await claimOf(fx, id);
    expect(await fx.value('SELECT df.release_dispatched($1, $2)', [first.activation_id, first.lease_token])).toBe(true);
    expect(await fx.value('SELECT df.release_dispatched($1, $2)', [first.activation_id, first.lease_token])).toBe(false);
    const second = await claimOf(fx, id);
    expect((await nodeOf(fx, id, first.node_id)).status_details).toMatchObject({ leases: 2, expired_leases: 0 });
    await complete(fx, second, { result: response(200) });
    expect((await awaitWorkflow(fx, id)).status).toBe('completed');
  });
});

describe('work that may no longer happen', () => {
  it('cancelled before a runner took it: never handed out', async () => {
    const id = await startWorkflow(fx, `df.http('http://127.0.0.1:9/never', 'GET')`);
    await fx.user.query('SELECT pg_sleep(0.3)');
    await fx.value('SELECT df.cancel($1)', [id]);
    expect((await claim(fx)).filter((l) => l.instance_id === id)).toEqual([]);
  });

  it('cancelled while a runner holds it: the completion is discarded and the instance stays cancelled', async () => {
    const id = await startWorkflow(fx, `df.http('http://127.0.0.1:9/inflight', 'GET') ~> 'SELECT 1'`);
    const lease = await claimOf(fx, id);
    await fx.value('SELECT df.cancel($1)', [id]);
    expect(await complete(fx, lease, { result: response(200) })).toMatch(/^discarded: /);
    expect(await fx.value('SELECT df.status($1)', [id])).toBe('cancelled');
  });

  it('a RACE lost while the request is in flight: the late completion changes nothing', async () => {
    const id = await startWorkflow(fx, `df.race(df.http('http://127.0.0.1:9/loser', 'GET'), df.sleep(1) ~> 'SELECT ''won'' AS w')`);
    const lease = await claimOf(fx, id);
    const done = await awaitWorkflow(fx, id);
    expect(done.result).toEqual({ rows: [{ w: 'won' }], row_count: 1 });
    expect(await complete(fx, lease, { result: response(200) })).toMatch(/^discarded: /);
    expect((await awaitWorkflow(fx, id)).result).toEqual({ rows: [{ w: 'won' }], row_count: 1 });
    expect((await nodeOf(fx, id, lease.node_id)).status).toBe('failed');
  });
});

describe('the contract refuses misuse', () => {
  it('checks its arguments', async () => {
    await expect(fx.user.query(`SELECT * FROM df.claim_dispatched('ftp')`)).rejects.toMatchObject({
      code: '22023', message: "kind must be one of http, statement, got 'ftp'",
    });
    await expect(fx.user.query(`SELECT * FROM df.claim_dispatched('http', 'r', 0)`)).rejects.toMatchObject({
      code: '22023', message: 'max_count must be a whole number from 1 to 1000, got 0',
    });
    await expect(
      fx.user.query(`SELECT df.complete_dispatched(1, '00000000-0000-4000-8000-000000000000', '{}', 'both')`),
    ).rejects.toMatchObject({ code: '22023', message: 'df.complete_dispatched takes exactly one of result and error' });
  });

  it('needs a session of the role itself, as workers do', async () => {
    const admin = await fx.scratch.admin();
    await admin.query(`SET ROLE "${fx.role}"`);
    try {
      await expect(admin.query(`SELECT * FROM df.claim_dispatched('http')`)).rejects.toMatchObject({
        code: '42501', message: expect.stringMatching(/^df.claim_dispatched must run in a session authenticated as the role/),
      });
    } finally {
      await admin.query('RESET ROLE');
    }
  });
});
