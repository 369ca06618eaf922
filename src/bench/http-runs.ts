// HTTP steps through one CLI worker (one df.work session and its HTTP runner) against a
// server on 127.0.0.1 that answers at once, so what is measured is pg_durable's share.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { WorkerPool } from '../cli/worker-pool.js';
import { waitUntil } from './database.js';

const HTTP_CONCURRENCY = 16;

/** A server that answers every request with a small JSON body. */
async function quickServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The bench role may run HTTP steps and reach 127.0.0.1; false when this version has no HTTP steps. */
export async function allowHttp(admin: pg.Client, role: string): Promise<boolean> {
  const { rows } = await admin.query(`SELECT to_regprocedure('df.http_policy()') IS NOT NULL AS has`);
  if (!rows[0].has) return false;
  await admin.query(`SELECT df.grant_usage($1, include_http => true)`, [role]);
  await admin.query(`SELECT df.set_http_policy(allow_private_networks => true)`);
  return true;
}

async function withPool<T>(url: string, fn: (serverUrl: string) => Promise<T>): Promise<T> {
  const server = await quickServer();
  const pool = new WorkerPool({ url, workers: 1, callSeconds: 60, idlePollMs: 10, httpConcurrency: HTTP_CONCURRENCY });
  await pool.start();
  try {
    await new Promise((r) => setTimeout(r, 300)); // sessions loaded the engine and are polling
    return await fn(server.url);
  } finally {
    await pool.stop();
    await server.close();
  }
}

async function unfinished(user: pg.Client): Promise<number> {
  const { rows } = await user.query(`SELECT count(*)::int AS n FROM df.instances WHERE status NOT IN ('completed', 'failed')`);
  return rows[0].n;
}

/** `instances` one-HTTP-step instances started at once, run to their end. */
export async function httpThroughput(url: string, user: pg.Client, admin: pg.Client, instances = 1000): Promise<{ seconds: number; stepsPerSecond: number }> {
  await admin.query('TRUNCATE df.instances CASCADE');
  return withPool(url, async (target) => {
    await user.query('BEGIN');
    for (let i = 0; i < instances; i++) await user.query(`SELECT df.start(df.http($1, 'GET'))`, [target]);
    await user.query('COMMIT');
    const t0 = performance.now();
    await waitUntil(async () => (await unfinished(user)) === 0, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await user.query(`SELECT count(*)::int AS n FROM df.instances WHERE status <> 'completed'`);
    if (rows[0].n) throw new Error(`${rows[0].n} HTTP benchmark instances did not complete`);
    return { seconds, stepsPerSecond: instances / seconds };
  });
}

/** df.start returning → instance completed, for a one-step SQL workflow and a one-step HTTP workflow, alternately. */
export async function dispatchLatency(url: string, user: pg.Client, admin: pg.Client, samples = 30): Promise<{ sql: number[]; http: number[] }> {
  await admin.query('TRUNCATE df.instances CASCADE');
  return withPool(url, async (target) => {
    const sql: number[] = [];
    const httpMs: number[] = [];
    const timed = async (expression: string, params: unknown[]) => {
      const t0 = performance.now();
      const id = (await user.query(`SELECT df.start(${expression}) AS id`, params)).rows[0].id as string;
      await waitUntil(async () => (await user.query(`SELECT df.status($1) AS s`, [id])).rows[0].s === 'completed', 10_000, 1);
      return performance.now() - t0;
    };
    for (let i = 0; i < samples; i++) {
      sql.push(await timed(`'SELECT 1'`, []));
      httpMs.push(await timed(`df.http($1, 'GET')`, [target]));
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 50)); // arrivals out of phase with the polls
    }
    return { sql: sql.sort((a, b) => a - b), http: httpMs.sort((a, b) => a - b) };
  });
}
