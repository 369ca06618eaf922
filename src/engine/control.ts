// df.status / result / error / await_instance / cancel / signal.
import { stmt, type Db } from './db.js';
import type { EngineSession } from './session.js';
import * as store from './store.js';
import { parseLossless } from '../json/lossless.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

const statusStmt = stmt(`SELECT status FROM df.instances WHERE id = $1`, 'text');
const resultStmt = stmt(`SELECT result::text AS r FROM df.instances WHERE id = $1 AND status = 'completed'`, 'text');
const errorStmt = stmt(`SELECT error FROM df.instances WHERE id = $1 AND status = 'failed'`, 'text');
const sleepStmt = stmt(`SELECT pg_sleep($1)`, 'float8');

function statusOf(db: Db, id: string): string | null {
  return (db.query(statusStmt, [id])[0]?.status as string | undefined) ?? null;
}

export const status = (db: Db, id: string): string | null => statusOf(db, id);
export const result = (db: Db, id: string): string | null => (db.query(resultStmt, [id])[0]?.r as string | undefined) ?? null;
export const error = (db: Db, id: string): string | null => (db.query(errorStmt, [id])[0]?.error as string | undefined) ?? null;

export function notFound(id: string): Error {
  return new Error(`Instance not found or access denied: ${id}`);
}

/** Polls with a fresh snapshot each time, so it sees what workers commit meanwhile. */
export function awaitInstance(session: EngineSession, id: string, timeoutSeconds: number): string {
  const { db } = session;
  session.refuseInsideStep('df.await_instance');
  if (!(timeoutSeconds > 0)) throw new Error(`timeout_seconds must be positive, got ${timeoutSeconds}`);
  const deadline = Date.now() + timeoutSeconds * 1000;
  let pause = 0.005;
  for (;;) {
    const s = statusOf(db, id);
    if (s === null) throw notFound(id);
    if (TERMINAL.has(s)) return s;
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutSeconds} s waiting for instance ${id} (status: ${s}); check that workers are running for its role (pg-durable worker, or df.schedule_workers), and that the df.start() call was committed`,
      );
    }
    db.query(sleepStmt, [Math.min(pause, (deadline - Date.now()) / 1000)]);
    pause = Math.min(pause * 2, 0.1);
  }
}

/** Pending work never runs afterwards; a step running now fails its liveness check and rolls back. */
export function cancel(db: Db, id: string, reason: string): string {
  store.lockInstance(db, id);
  const s = statusOf(db, id);
  if (s === null) throw notFound(id);
  if (TERMINAL.has(s)) return `Instance ${id} is already ${s}; nothing to cancel`;
  store.endInstance(db, id, 'cancelled', reason, `cancelled: ${reason}`);
  return `Instance ${id} cancelled: ${reason}`;
}

const waitingStmt = stmt(
  `SELECT a.id::text AS id, a.memo::text AS memo
   FROM df.activations a JOIN df.nodes n ON n.instance_id = a.instance_id AND n.id = a.node_id
   WHERE a.instance_id = $1 AND n.node_type = 'SIGNAL' AND (n.query::json ->> 'signal_name') = $2`,
  'text',
  'text',
);
const deliverStmt = stmt(
  `UPDATE df.activations SET memo = $2::json, wake_at = clock_timestamp() WHERE id = $1::bigint`,
  'text',
  'text',
);
const bufferStmt = stmt(
  `INSERT INTO df.signals (instance_id, name, data, owner)
   SELECT id, $2, $3::json, submitted_by FROM df.instances WHERE id = $1`,
  'text',
  'text',
  'text',
);

/** Every activation waiting on `name` receives it; with none waiting it is kept for the first wait. */
export function signal(db: Db, id: string, name: string, data: string | null): string {
  if (name === '') throw new Error('signal name must not be empty');
  const json = data === null ? 'null' : asJson(data);
  store.lockInstance(db, id);
  const s = statusOf(db, id);
  if (s === null) throw notFound(id);
  if (TERMINAL.has(s)) return 'OK';
  const waiting = db
    .query(waitingStmt, [id, name])
    .filter((w) => !('signal' in (JSON.parse(w.memo as string) as object)));
  if (!waiting.length) db.query(bufferStmt, [id, name, json]);
  for (const w of waiting) {
    const memo = { ...(JSON.parse(w.memo as string) as object), signal: json };
    db.query(deliverStmt, [w.id, JSON.stringify(memo)]);
  }
  return 'OK';
}

/** Text that is JSON stays JSON; anything else is stored as a JSON string. */
function asJson(text: string): string {
  try {
    parseLossless(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}
