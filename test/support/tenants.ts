// The setting of every security test: one scratch database with pg_durable where `public`
// is writable by everyone (as in databases created before PostgreSQL 15), two victim roles
// with usage and workers, an attacker with usage, a login role without usage, and a
// superuser monitor. Role names are unique per test file; everything is dropped at close.
import pg from 'pg';
import { createScratch, type Scratch } from './scratch.js';
import { serverUrl, urlFor } from './server.js';
import { createLoginRoles, dropRoles, ident } from './roles.js';
import { WorkerPool } from '../../src/cli/worker-pool.js';

export interface Tenant {
  role: string;
  url: string;
  /** A session authenticated as the role (opened lazily, kept). */
  client(): Promise<pg.Client>;
  /** One value of a query run as the role. */
  value<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
  startWorkers(count?: number): Promise<WorkerPool>;
}

export interface Tenants {
  scratch: Scratch;
  /** Superuser session on the scratch database. */
  monitor: pg.Client;
  victims: [Tenant, Tenant];
  attacker: Tenant;
  /** LOGIN, no df.grant_usage. */
  outsider: Tenant;
  /** A tenant for a role the test made itself: its sessions and workers end at close, the role is the test's to drop. */
  tenant(role: string): Tenant;
  close(): Promise<void>;
}

export async function tenants(label: string): Promise<Tenants> {
  const server = serverUrl();
  const scratch = await createScratch(`sec_${label}`, ['pg_durable'], server);
  const tag = `${label}_${process.pid}`;
  const names = {
    a: `pgd_va_${tag}`,
    b: `pgd_vb_${tag}`,
    attacker: `pgd_atk_${tag}`,
    outsider: `pgd_out_${tag}`,
  };
  await createLoginRoles(Object.values(names), server);
  const monitor = await scratch.admin();
  await monitor.query(`SET client_min_messages = warning`);
  await monitor.query(`GRANT CREATE ON SCHEMA public TO PUBLIC`);
  await monitor.query(`ALTER DATABASE ${ident(scratch.name)} SET pg_durable.loop_min_interval = '0'`);
  for (const r of [names.a, names.b, names.attacker]) await monitor.query(`SELECT df.grant_usage($1)`, [r]);

  const pools: WorkerPool[] = [];
  const clients: pg.Client[] = [];
  const tenant = (role: string): Tenant => {
    const url = urlFor(scratch.name, role, server);
    let c: pg.Client | undefined;
    const t: Tenant = {
      role,
      url,
      async client() {
        if (!c) {
          c = new pg.Client({ connectionString: url });
          c.on('error', () => undefined);
          await c.connect();
          clients.push(c);
        }
        return c;
      },
      async value<T>(sql: string, params: unknown[] = []) {
        const { rows } = await (await t.client()).query({ text: sql, values: params, rowMode: 'array' });
        return rows[0]?.[0] as T;
      },
      async startWorkers(count = 1) {
        const pool = new WorkerPool({ url, workers: count, callSeconds: 2, idlePollMs: 5 });
        await pool.start();
        pools.push(pool);
        return pool;
      },
    };
    return t;
  };
  return {
    scratch,
    monitor,
    victims: [tenant(names.a), tenant(names.b)],
    attacker: tenant(names.attacker),
    outsider: tenant(names.outsider),
    tenant,
    async close() {
      await Promise.all(pools.map((p) => p.stop()));
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await scratch.drop();
      await dropRoles(Object.values(names), server);
    },
  };
}
