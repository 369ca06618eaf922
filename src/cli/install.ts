// `pg-durable install`: CREATE EXTENSION where the server has the extension files; on a
// managed service without file access, run the generated script itself (plv8 must exist).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

declare const PG_DURABLE_VERSION: string;

export function scriptPath(): string {
  return fileURLToPath(new URL(`../pg_durable--${PG_DURABLE_VERSION}.sql`, import.meta.url));
}

export async function install(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_durable'`);
    if (available.rowCount) {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_durable CASCADE');
      console.log('pg_durable: extension created');
      return;
    }
    const installed = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'df'`);
    if (installed.rowCount) {
      console.log('pg_durable: schema df already exists; nothing to do');
      return;
    }
    const script = readFileSync(scriptPath(), 'utf8').replace(/^\\echo .*$/m, '');
    await client.query('BEGIN');
    await client.query(script);
    await client.query('COMMIT');
    console.log('pg_durable: installed from the script (the server has no pg_durable extension files)');
  } finally {
    await client.end();
  }
}
