// HTTP steps among hostile roles (spec/outside-steps.md §1–3): each role's runners see and
// settle only its own dispatched work; EXECUTE on df.http is checked for every request, so a
// revoke stops the next one; secret header values are never shown; the egress policy belongs
// to administrators, and nothing a role can set in its session reaches it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenant, type Tenants } from '../../support/tenants.js';
import { waitFor } from '../../support/slow-step.js';
import { plantPublicTraps } from '../../support/public-traps.js';

let t: Tenants;
let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  t = await tenants('http');
  [a, b] = t.victims;
  for (const r of [a, b]) await t.monitor.query(`SELECT df.grant_usage($1, include_http => true)`, [r.role]);
  await a.startWorkers(1);
  await b.startWorkers(1);
});
afterAll(async () => t?.close());

interface Claimed {
  activation_id: string;
  lease_token: string;
  instance_id: string;
  node_id: number;
}
async function claimAll(r: Tenant): Promise<Claimed[]> {
  return (await (await r.client()).query(`SELECT * FROM df.claim_dispatched('http', 'r', 100)`)).rows as Claimed[];
}
async function dispatchedOf(r: Tenant, id: string): Promise<Claimed> {
  let lease: Claimed | undefined;
  await waitFor(`dispatched work of ${id}`, async () => {
    lease = (await claimAll(r)).find((l) => l.instance_id === id);
    return lease !== undefined;
  });
  return lease!;
}

describe('runners of a role', () => {
  it("never see, release or complete another role's work", async () => {
    const id = await a.value<string>(`SELECT df.start(df.http('http://127.0.0.1:9/a', 'GET'))`);
    await waitFor('the step to be dispatched', async () =>
      (await a.value<number>(`SELECT count(*)::int FROM df.dispatches WHERE instance_id = $1`, [id])) === 1);
    expect(await claimAll(b)).toEqual([]);
    expect(await t.attacker.value(`SELECT count(*)::int FROM df.dispatches`)).toBe(0);
    const lease = await dispatchedOf(a, id);
    expect(await b.value('SELECT df.complete_dispatched($1, $2, $3, NULL)', [lease.activation_id, lease.lease_token, '{"status":200}']))
      .toMatch(/^discarded: this lease is no longer held/);
    expect(await b.value('SELECT df.release_dispatched($1, $2)', [lease.activation_id, lease.lease_token])).toBe(false);
    expect(await a.value('SELECT df.status($1)', [id])).toBe('running');
    expect(await a.value('SELECT df.complete_dispatched($1, $2, $3, NULL)', [lease.activation_id, lease.lease_token, '{"status":200}']))
      .toBe('completed');
  });

  it('cannot plant dispatched work for another role', async () => {
    await expect(
      (await t.attacker.client()).query(
        `INSERT INTO df.dispatches (activation_id, instance_id, node_id, kind, request, idempotency_key, attempt, owner)
         VALUES (1, 'abcdef01', 1, 'http', '{}', 'k', 1, $1::regrole)`,
        [a.role],
      ),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|23503)$/) });
  });

  it('stop running requests of a role whose EXECUTE on df.http was revoked, with the reason', async () => {
    const r = t.tenant(t.outsider.role);
    await t.monitor.query(`SELECT df.grant_usage($1, include_http => true)`, [r.role]);
    await r.startWorkers(1);
    const id = await r.value<string>(`SELECT df.start(df.http('http://127.0.0.1:9/revoked', 'GET'))`);
    await waitFor('the step to be dispatched', async () =>
      (await r.value<number>(`SELECT count(*)::int FROM df.dispatches WHERE instance_id = $1`, [id])) === 1);
    await t.monitor.query(`REVOKE EXECUTE ON FUNCTION df.http(text, text, text, jsonb, integer) FROM ${JSON.stringify(r.role)}`);
    expect(await claimAll(r)).toEqual([]);
    expect(await r.value('SELECT df.status($1)', [id])).toBe('failed');
    expect(await r.value('SELECT df.error($1)', [id])).toBe(
      `Blocked: role '${r.role}' does not have EXECUTE privilege on df.http(); an administrator grants it with df.grant_usage(role, include_http => true)`,
    );
  });
});

describe('secrets', () => {
  it('header values of credentials, keys, tokens and secrets show as *** in df.instance_nodes and never in df.explain', async () => {
    const headers = {
      Authorization: 'Bearer s3cr3t-1', 'Proxy-Authorization': 'Basic s3cr3t-2', Cookie: 's3cr3t-3', 'X-Api-Key': 's3cr3t-4',
      'X-Auth-Token': 's3cr3t-5', 'Client-Secret': 's3cr3t-6', Accept: 'application/json',
    };
    const id = await a.value<string>(`SELECT df.start(df.http('http://127.0.0.1:9/s', 'POST', 'x', $1::jsonb))`, [JSON.stringify(headers)]);
    const query = await a.value<string>(`SELECT query FROM df.instance_nodes($1) WHERE node_type = 'HTTP'`, [id]);
    expect(JSON.parse(query).headers).toEqual({
      Authorization: '***', 'Proxy-Authorization': '***', Cookie: '***', 'X-Api-Key': '***', 'X-Auth-Token': '***',
      'Client-Secret': '***', Accept: 'application/json',
    });
    for (const format of ['text', 'full', 'mermaid']) {
      expect(await a.value<string>('SELECT df.explain($1, $2)', [id, format])).not.toMatch(/s3cr3t/);
    }
    // The resolved request, secrets included, is its owner's alone.
    expect(await b.value(`SELECT count(*)::int FROM df.dispatches`)).toBe(0);
    expect(await t.attacker.value(`SELECT count(*)::int FROM df.nodes`)).toBe(0);
  });
});

describe('the egress policy', () => {
  it('is read by every role with usage and changed by superusers only, field by field', async () => {
    const initial = { allowed_hosts: [], allow_private_networks: false, max_response_bytes: 10485760, max_timeout_seconds: 300 };
    expect(await a.value('SELECT df.http_policy()')).toEqual(initial);
    await expect((await a.client()).query(`SELECT df.set_http_policy(allow_private_networks => true)`)).rejects.toMatchObject({
      code: '42501',
    });
    await expect((await a.client()).query(`UPDATE df.http_policy_settings SET allow_private_networks = true`)).rejects.toMatchObject({
      code: '42501',
    });
    // A delegated administrator hands out usage, not the network.
    await t.monitor.query(`SELECT df.grant_usage($1, with_grant => true)`, [b.role]);
    await expect((await b.client()).query(`SELECT df.set_http_policy(max_timeout_seconds => 10)`)).rejects.toMatchObject({ code: '42501' });
    expect((await t.monitor.query(`SELECT df.set_http_policy(allowed_hosts => ARRAY['API.Example.com.', '*.Svc.Internal'])`)).rows[0]
      .set_http_policy).toEqual({ ...initial, allowed_hosts: ['api.example.com', '*.svc.internal'] });
    expect((await t.monitor.query(`SELECT df.set_http_policy(max_response_bytes => 1024)`)).rows[0].set_http_policy).toEqual({
      ...initial, allowed_hosts: ['api.example.com', '*.svc.internal'], max_response_bytes: 1024,
    });
    await t.monitor.query(`SELECT df.set_http_policy(allowed_hosts => '{}', max_response_bytes => 10485760)`);
    expect(await a.value('SELECT df.http_policy()')).toEqual(initial);
  });

  it('refuses values that are not a policy', async () => {
    await expect(t.monitor.query(`SELECT df.set_http_policy(allowed_hosts => ARRAY['http://x.test/'])`)).rejects.toMatchObject({
      code: '22023', message: `allowed_hosts: 'http://x.test/' is not a host name or a *.suffix pattern`,
    });
    await expect(t.monitor.query(`SELECT df.set_http_policy(max_timeout_seconds => 301)`)).rejects.toMatchObject({
      code: '22023', message: 'max_timeout_seconds must be between 1 and 300, got 301',
    });
    await expect(t.monitor.query(`SELECT df.set_http_policy(max_response_bytes => 0)`)).rejects.toMatchObject({
      code: '22023', message: 'max_response_bytes must be between 1 and 1073741824 (1 GiB), got 0',
    });
  });

  it('and the runner contract resolve the same whatever others put in public and the search_path says', async () => {
    await plantPublicTraps(await t.attacker.client());
    const id = await a.value<string>(`SELECT df.start(df.http('http://127.0.0.1:9/traps', 'GET'))`);
    const c = await a.client();
    await c.query('SET search_path = public, pg_catalog');
    try {
      expect(await a.value('SELECT df.http_policy()')).toMatchObject({ allow_private_networks: false });
      const lease = await dispatchedOf(a, id);
      expect(await a.value('SELECT df.complete_dispatched($1, $2, $3, NULL)', [lease.activation_id, lease.lease_token, '{"status":200}']))
        .toBe('completed');
      expect(await a.value('SELECT df.status($1)', [id])).toBe('completed');
    } finally {
      await c.query('RESET search_path');
    }
  });
});
