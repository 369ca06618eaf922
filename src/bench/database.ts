// The benchmark's own database and role on the private cluster, and small client helpers.
import pg from 'pg';
import { connect, createAppDatabase } from '../cli/app-database.js';

export { connect };

export const DATABASE = 'pg_durable_bench';
export const ROLE = 'durable_bench';

/** Fresh benchmark database with the counters table (and pg_durable `version`, default the current). */
export async function setUp(adminUrl: string, version: string | null): Promise<{ adminDb: string; userDb: string }> {
  const urls = await createAppDatabase(adminUrl, DATABASE, ROLE, version);
  const user = await connect(urls.userDb);
  await user.query(`CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
                    INSERT INTO counters (id) SELECT generate_series(1, 1000);`);
  await user.end();
  return urls;
}

/** The next transaction ID to be assigned (reading it assigns none). */
export async function nextXid(client: pg.Client): Promise<bigint> {
  const { rows } = await client.query(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`);
  return BigInt(rows[0].x);
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, pollMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark timed out waiting for its workload');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
