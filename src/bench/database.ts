// The benchmark's own database and role on the private cluster, and small client helpers.
import pg from 'pg';

export const DATABASE = 'pg_durable_bench';
export const ROLE = 'durable_bench';

export function withDatabase(url: string, database: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user) u.username = user;
  return u.toString();
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Fresh database with pg_durable, a LOGIN role allowed to use it, and the counters table. */
export async function setUp(adminUrl: string): Promise<{ adminDb: string; userDb: string }> {
  const admin = await connect(adminUrl);
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} LOGIN; END IF; END $$`);
  await admin.end();
  const adminDb = withDatabase(adminUrl, DATABASE);
  const db = await connect(adminDb);
  await db.query('SET client_min_messages = warning');
  await db.query('CREATE EXTENSION pg_durable CASCADE');
  await db.query(`SELECT df.grant_usage('${ROLE}')`);
  await db.query(`GRANT CREATE ON SCHEMA public TO ${ROLE}`);
  await db.end();
  const userDb = withDatabase(adminUrl, DATABASE, ROLE);
  const user = await connect(userDb);
  await user.query(`CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
                    INSERT INTO counters (id) SELECT generate_series(1, 1000);`);
  await user.end();
  return { adminDb, userDb };
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
