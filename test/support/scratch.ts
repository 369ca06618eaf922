// One scratch database per test file, created fresh and dropped afterwards.
import pg from 'pg';
import { serverUrl, urlFor, withClient } from './server.js';

export interface Scratch {
  name: string;
  url: string;
  /** A client on the scratch database as the admin user, connected lazily and reused. */
  admin(): Promise<pg.Client>;
  drop(): Promise<void>;
}

export async function createScratch(label: string, extensions: string[] = []): Promise<Scratch> {
  const name = `pgd_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}`;
  await withClient(serverUrl(), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const url = urlFor(name);
  let client: pg.Client | undefined;
  const admin = async () => {
    if (!client) {
      client = new pg.Client({ connectionString: url });
      await client.connect();
    }
    return client;
  };
  const c = await admin();
  for (const ext of extensions) await c.query(`CREATE EXTENSION IF NOT EXISTS "${ext}" CASCADE`);
  return {
    name,
    url,
    admin,
    async drop() {
      await client?.end();
      client = undefined;
      await withClient(serverUrl(), (a) => a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
