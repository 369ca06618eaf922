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

export async function createScratch(label: string, extensions: string[] = [], server: string = serverUrl()): Promise<Scratch> {
  const name = `pgd_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}`;
  await withClient(server, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const url = urlFor(name, undefined, server);
  let client: pg.Client | undefined;
  const admin = async () => {
    if (!client) {
      client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined); // a crash test may kill the server under it
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
      await withClient(server, (a) => a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
