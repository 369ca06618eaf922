// A fresh database with pg_durable installed and a LOGIN role allowed to use it: what the
// demo and the benchmark run in.
import pg from 'pg';

function withDatabase(url: string, database: string, user?: string): string {
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

/**
 * Recreates `database` with pg_durable (the default version, or `version`, e.g. a released one
 * to compare with), creates `role` if needed; returns the admin and the role's URLs of it.
 */
export async function createAppDatabase(
  adminUrl: string,
  database: string,
  role: string,
  version: string | null = null,
): Promise<{ adminDb: string; userDb: string }> {
  const admin = await connect(adminUrl);
  try {
    const db = admin.escapeIdentifier(database);
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${db}`);
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (!exists.rowCount) await admin.query(`CREATE ROLE ${admin.escapeIdentifier(role)} LOGIN`);
  } finally {
    await admin.end();
  }
  const adminDb = withDatabase(adminUrl, database);
  const db = await connect(adminDb);
  try {
    await db.query('SET client_min_messages = warning');
    await db.query(`CREATE EXTENSION pg_durable ${version === null ? '' : `VERSION ${db.escapeLiteral(version)} `}CASCADE`);
    await db.query('SELECT df.grant_usage($1)', [role]);
    await db.query(`GRANT CREATE ON SCHEMA public TO ${db.escapeIdentifier(role)}`);
  } finally {
    await db.end();
  }
  return { adminDb, userDb: withDatabase(adminUrl, database, role) };
}
