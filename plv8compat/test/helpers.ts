// Shared helpers of the plv8compat tests: a scratch database with the extension, extra sessions, errors.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createScratch, type Scratch } from '../../test/support/scratch.js';

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
