// Where the tests run: the server named by PG_DURABLE_TEST_URL, else the private cluster.
// On a given server the tests touch nothing but the scratch databases they create.
import pg from 'pg';

const privatePort = process.env.PG_DURABLE_PORT ?? '54329';

export function serverUrl(): string {
  return process.env.PG_DURABLE_TEST_URL ?? `postgresql://postgres@127.0.0.1:${privatePort}/postgres`;
}

export function usesPrivateCluster(): boolean {
  return process.env.PG_DURABLE_TEST_URL === undefined;
}

/** The same server (or `base`), another database and/or user. */
export function urlFor(database: string, user?: string, base: string = serverUrl()): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (user !== undefined) {
    url.username = encodeURIComponent(user);
    url.password = '';
  }
  return url.toString();
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
