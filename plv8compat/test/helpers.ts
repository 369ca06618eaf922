// Shared helpers of the plv8compat tests: a scratch database with the extension, extra sessions, errors.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { it } from 'vitest';
import { createScratch, type Scratch } from '../../test/support/scratch.js';
import { serverUrl, withClient } from '../../test/support/server.js';

export type { Scratch };

export type SqlError = Error & { code?: string; detail?: string; hint?: string; where?: string };

/** A fresh scratch database with `CREATE EXTENSION plv8`. */
export function plv8Scratch(label: string): Promise<Scratch> {
  return createScratch(`plv8c_${label}`, ['plv8']);
}

/** Another session on the scratch database (the caller ends it). */
export async function session(s: Scratch): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: s.url });
  await c.connect();
  return c;
}

/** The error a query fails with (fails the test if it succeeds). */
export async function sqlError(p: Promise<unknown>): Promise<SqlError> {
  try {
    await p;
  } catch (e) {
    return e as SqlError;
  }
  throw new Error('expected the statement to fail, it succeeded');
}

/** The single value of a one-row, one-column query. */
export async function one<T = unknown>(c: pg.Client, sql: string, params: unknown[] = []): Promise<T> {
  const r = await c.query(sql, params);
  const row = r.rows[0] as Record<string, unknown>;
  return Object.values(row)[0] as T;
}

export async function backendPid(c: pg.Client): Promise<number> {
  return one<number>(c, 'select pg_backend_pid()');
}

export const serverLog = fileURLToPath(new URL('../../.cluster/server.log', import.meta.url));

export function logSize(): number {
  try {
    return statSync(serverLog).size;
  } catch {
    return 0;
  }
}

/** Server log lines written since `offset` (empty when the log is not on this machine). */
export function logSince(offset: number): string {
  try {
    return readFileSync(serverLog).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RssAnon (kB) of a backend of the private cluster (it runs on this machine). */
export function rssAnonKb(pid: number): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no RssAnon for ${pid}`);
  return Number(m[1]);
}

/**
 * Peak RssAnon (kB) of a fresh session's backend while it runs `sql`, sampled every 20 ms,
 * after `warmup` (the isolate, caches) and with synchronous_commit off (quick commits).
 */
export async function peakRssDuring(s: Scratch, warmup: string, sql: string): Promise<number> {
  const c = await session(s);
  try {
    const pid = await backendPid(c);
    await c.query('set synchronous_commit = off');
    await c.query(warmup);
    let peak = rssAnonKb(pid);
    const timer = setInterval(() => {
      try {
        peak = Math.max(peak, rssAnonKb(pid));
      } catch {
        /* the backend is gone: the query will fail */
      }
    }, 20);
    try {
      await c.query(sql);
    } finally {
      clearInterval(timer);
    }
    return Math.max(peak, rssAnonKb(pid));
  } finally {
    await c.end();
  }
}

/**
 * `plv8_version()` of the server under test, read once per test file in a transaction that is
 * rolled back (so the server keeps nothing, even if plv8 was not installed in that database).
 */
async function serverPlv8Version(): Promise<string> {
  return withClient(serverUrl(), async (c) => {
    await c.query('BEGIN');
    try {
      await c.query('CREATE EXTENSION IF NOT EXISTS plv8');
      return (await c.query('SELECT plv8_version() AS v')).rows[0].v as string;
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

export const plv8Version: string = await serverPlv8Version();

/** Whether the server runs the pg_durable plv8-compatible runtime (not a real plv8). */
export const onCompatibleRuntime: boolean = plv8Version.includes('compatible runtime');

type TestBody = () => Promise<void>;

/**
 * A test of something only the compatible runtime does (or must not be tried on a real plv8,
 * e.g. because real plv8 crashes the server or never stops). On a real plv8 it is skipped,
 * its name saying why.
 */
export function compatIt(reason: string, name: string, body: TestBody, timeout?: number): void {
  if (onCompatibleRuntime) it(name, body, timeout);
  else it.skip(`${name} [skipped on real plv8 ${plv8Version}: ${reason}]`, body, timeout);
}
