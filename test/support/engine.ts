// A scratch database with pg_durable installed, a LOGIN role that owns the workflows of
// the test file, a client authenticated as that role and worker sessions running as it.
import pg from 'pg';
import { createScratch, type Scratch } from './scratch.js';
import { serverUrl, urlFor, withClient } from './server.js';
import { WorkerPool } from '../../src/cli/worker-pool.js';

export interface EngineFixture {
  scratch: Scratch;
  role: string;
  /** URL of the scratch database, authenticated as the role. */
  url: string;
  /** A client authenticated as the role. */
  user: pg.Client;
  workers: WorkerPool | null;
  startWorkers(count?: number): Promise<WorkerPool>;
  stopWorkers(): Promise<void>;
  /** SELECT one value as the role. */
  value<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Minimum seconds between loop iterations (pg_durable.loop_min_interval); tests default to 0. */
  loopMinInterval?: string;
  /** Admin URL of the server to use (default: the test server). */
  server?: string;
}

export async function engineFixture(label: string, options: FixtureOptions = {}): Promise<EngineFixture> {
  const server = options.server ?? serverUrl();
  const scratch = await createScratch(label, ['pg_durable'], server);
  const role = `pgd_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}`;
  await withClient(server, async (c) => {
    await c.query(`DROP ROLE IF EXISTS "${role}"`);
    await c.query(`CREATE ROLE "${role}" LOGIN`);
  });
  const admin = await scratch.admin();
  await admin.query(`SET client_min_messages = warning`);
  await admin.query(`SELECT df.grant_usage($1)`, [role]);
  await admin.query(`GRANT CREATE ON SCHEMA public TO "${role}"`);
  await admin.query(
    `ALTER DATABASE "${scratch.name}" SET pg_durable.loop_min_interval = '${options.loopMinInterval ?? '0'}'`,
  );
  const url = urlFor(scratch.name, role, server);
  const user = new pg.Client({ connectionString: url });
  user.on('error', () => undefined); // a crash test may kill the server under it
  await user.connect();

  const fixture: EngineFixture = {
    scratch,
    role,
    url,
    user,
    workers: null,
    async startWorkers(count = 2) {
      const pool = new WorkerPool({ url, workers: count, callSeconds: 2, idlePollMs: 5 });
      await pool.start();
      fixture.workers = pool;
      return pool;
    },
    async stopWorkers() {
      await fixture.workers?.stop();
      fixture.workers = null;
    },
    async value<T>(sql: string, params: unknown[] = []) {
      const { rows } = await fixture.user.query({ text: sql, values: params, rowMode: 'array' });
      return rows[0]?.[0] as T;
    },
    async close() {
      await fixture.stopWorkers();
      await fixture.user.end();
      await scratch.drop();
      await withClient(server, (c) => c.query(`DROP ROLE IF EXISTS "${role}"`));
    },
  };
  return fixture;
}
