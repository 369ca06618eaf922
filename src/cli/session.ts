// One session per monitoring command, authenticated as whoever the URL names: the commands
// see exactly what that role sees (row-level security shows it only its own instances).
import { renameSync, writeFileSync } from 'node:fs';
import pg from 'pg';

export async function withSession<T>(url: string, command: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: `pg-durable ${command}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs several reads in one snapshot (REPEATABLE READ, read only), so they agree with each other. */
export async function inOneSnapshot<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const value = await fn();
    await client.query('COMMIT');
    return value;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Replaces `path` in one step, so a reader (a browser reloading the page) never sees half a file. */
export function writeFileAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
