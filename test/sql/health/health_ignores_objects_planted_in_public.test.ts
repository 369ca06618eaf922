// df.health resolves only pg_catalog and df objects. The attacker fills the world-writable
// `public` with a trap for every pg_catalog function and operator, a few aggregates and
// composite types named like the built-in ones (support/public-traps.ts, as the name-resolution
// security test does); the victims, the superuser monitor and a delegated administrator put
// `public` first on their search_path. Every path through df.health (own lines, every role's
// through RLS bypass, and the administrators' SECURITY DEFINER view) must work as if the traps
// were not there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants, type Tenants } from '../../support/tenants.js';
import { createLoginRoles, dropRoles } from '../../support/roles.js';
import { plantPublicTraps, putPublicFirst } from '../../support/public-traps.js';
import { urlFor, withClient } from '../../support/server.js';
import { CHECKS, healthOf } from './health.js';

let t: Tenants;
const admin = `pgd_health_padmin_${process.pid}`;

beforeAll(async () => {
  t = await tenants('health_paths');
  await createLoginRoles([admin]);
  await t.monitor.query(`SELECT df.grant_usage($1, with_grant => true)`, [admin]);
  const [a, b] = t.victims;
  await a.value(`SELECT df.start('SELECT 1')`);
  await (await a.client()).query(`CALL df.work(1, 5)`);
  await b.value(`SELECT df.start('SELECT 1/0')`);
  await plantPublicTraps(await t.attacker.client());
  await putPublicFirst(t.monitor, [a.role, b.role, admin]);
}, 180_000);
afterAll(async () => {
  await t?.close();
  await dropRoles([admin]);
});

describe('planted objects in public', () => {
  it('are there: an unqualified name in a public-first session reaches a trap', async () => {
    await expect(t.monitor.query(`SELECT pg_catalog.length(lower('X'))`)).rejects.toThrow('pg_durable trap: public.lower');
    await expect(t.monitor.query(`SELECT 1 + 1`)).rejects.toThrow('pg_durable trap');
  });

  it('never reach df.health, whoever calls it', async () => {
    const [a, b] = t.victims;
    // The victims' sessions are opened now, with the role's public-first search_path.
    for (const v of [a, b]) {
      const lines = await withClient(v.url, healthOf);
      expect(lines.map((l) => [l.role, l.check_name])).toEqual(CHECKS.map((c) => [v.role, c]));
    }
    const everyRole = await healthOf(t.monitor);
    expect([...new Set(everyRole.map((l) => l.role))]).toEqual([a.role, b.role].sort());
    expect(everyRole.find((l) => l.role === b.role && l.check_name === 'workers')?.level).toBe('critical');
    expect(await withClient(urlFor(t.scratch.name, admin), healthOf)).toEqual(everyRole);
  });
});
