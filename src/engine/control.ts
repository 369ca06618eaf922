// df.status / result / error / await_instance / cancel / signal.
import { stmt, type Db } from './db.js';
import type { EngineSession } from './session.js';
import * as store from './store.js';
import { workerSeenRecently } from './upkeep.js';
import { parseLossless } from '../json/lossless.js';
import { DfError, SQLSTATE } from './errors.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
/** Signals kept per instance before any wait consumed them; more is an error, not growth without end. */
const MAX_BUFFERED_SIGNALS = 1000;

const T = 'pg_catalog.text';
const statusStmt = stmt(`SELECT i.status FROM df.instances i WHERE i.id OPERATOR(pg_catalog.=) $1::${T}`, T);
const resultStmt = stmt(
  `SELECT i.result::${T} AS r FROM df.instances i
   WHERE i.id OPERATOR(pg_catalog.=) $1::${T} AND i.status OPERATOR(pg_catalog.=) 'completed'`,
  T,
);
const errorStmt = stmt(
  `SELECT i.error FROM df.instances i WHERE i.id OPERATOR(pg_catalog.=) $1::${T} AND i.status OPERATOR(pg_catalog.=) 'failed'`,
  T,
);
const sleepStmt = stmt(`SELECT pg_catalog.pg_sleep($1)`, 'pg_catalog.float8');
const isolationStmt = stmt(`SELECT pg_catalog.current_setting('transaction_isolation') AS i`);

function statusOf(db: Db, id: string): string | null {
  return (db.query(statusStmt, [id])[0]?.status as string | undefined) ?? null;
}

export const status = (db: Db, id: string): string | null => statusOf(db, id);
export const result = (db: Db, id: string): string | null => (db.query(resultStmt, [id])[0]?.r as string | undefined) ?? null;
export const error = (db: Db, id: string): string | null => (db.query(errorStmt, [id])[0]?.error as string | undefined) ?? null;

export function notFound(id: string): DfError {
  return new DfError(
    SQLSTATE.undefinedObject,
    `Instance not found or access denied: ${id}`,
    'df.list_instances() lists the instances you can see; each role sees only its own.',
  );
}

/** Polls with a fresh snapshot each time, so it sees what workers commit meanwhile. */
export function awaitInstance(session: EngineSession, id: string, timeoutSeconds: number): string {
  const { db } = session;
  session.refuseInsideStep('df.await_instance');
  if (!(timeoutSeconds > 0)) {
    throw new DfError(SQLSTATE.invalidParameterValue, `timeout_seconds must be positive, got ${timeoutSeconds}`);
  }
  const isolation = db.query(isolationStmt)[0].i as string;
  if (isolation !== 'read committed') {
    // One snapshot for the whole transaction: it would never see the workers' progress.
    throw new DfError(
      SQLSTATE.invalidTransactionState,
      `df.await_instance() cannot see workers' progress in a ${isolation} transaction`,
      'Call it in a READ COMMITTED transaction (BEGIN ISOLATION LEVEL READ COMMITTED), or poll df.status() from new transactions.',
    );
  }
  const deadline = Date.now() + timeoutSeconds * 1000;
  let pause = 0.005;
  for (;;) {
    const s = statusOf(db, id);
    if (s === null) throw notFound(id);
    if (TERMINAL.has(s)) return s;
    if (Date.now() >= deadline) {
      const workers = workerSeenRecently(db)
        ? 'Check that workers are running for its role (pg-durable worker, or df.schedule_workers)'
        : 'No worker of this role has run in the last 90 seconds: start one (pg-durable worker, or df.schedule_workers)';
      throw new DfError(
        SQLSTATE.objectNotInPrerequisiteState,
        `timed out after ${timeoutSeconds} s waiting for instance ${id} (status: ${s})`,
        `${workers}, and check that the df.start() call was committed.`,
      );
    }
    db.query(sleepStmt, [Math.min(pause, (deadline - Date.now()) / 1000)]);
    pause = Math.min(pause * 2, 0.1);
  }
}

/** Pending work never runs afterwards; a step running now fails its liveness check and rolls back. */
export function cancel(db: Db, id: string, reason: string): string {
  const inst = store.lockInstance(db, id);
  if (inst === null) throw notFound(id);
  if (TERMINAL.has(inst.status)) return `Instance ${id} is already ${inst.status}; nothing to cancel`;
  store.endInstance(db, inst.owner, id, 'cancelled', reason, `cancelled: ${reason}`);
  return `Instance ${id} cancelled: ${reason}`;
}

// Waiting activations a worker is running right now (a timeout firing) are skipped: the
// signal is then kept for the next wait rather than waiting on that worker's row lock.
const waitingStmt = stmt(
  `SELECT a.id::${T} AS id, a.memo::${T} AS memo
   FROM df.activations a JOIN df.nodes n
     ON n.submitted_by OPERATOR(pg_catalog.=) a.owner AND n.instance_id OPERATOR(pg_catalog.=) a.instance_id
    AND n.id OPERATOR(pg_catalog.=) a.node_id
   WHERE a.owner OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND a.instance_id OPERATOR(pg_catalog.=) $2::${T}
     AND a.leaf AND NOT a.retired AND n.node_type OPERATOR(pg_catalog.=) 'SIGNAL'
     AND (n.query::pg_catalog.json OPERATOR(pg_catalog.->>) 'signal_name') OPERATOR(pg_catalog.=) $3::${T}
   FOR NO KEY UPDATE OF a SKIP LOCKED`,
  T,
  T,
  T,
);
const deliverStmt = stmt(
  `UPDATE df.activations a SET memo = $3::pg_catalog.json, wake_at = pg_catalog.clock_timestamp()
   WHERE a.owner OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND a.id OPERATOR(pg_catalog.=) $2::pg_catalog.int8`,
  T,
  T,
  T,
);
const bufferStmt = stmt(
  `INSERT INTO df.signals (instance_id, name, data, owner)
   SELECT $2, $3, $4::pg_catalog.json, $1::pg_catalog.regrole
   WHERE (SELECT pg_catalog.count(*) FROM df.signals s
          WHERE s.owner OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND s.instance_id OPERATOR(pg_catalog.=) $2::${T}
            AND NOT s.retired)
         OPERATOR(pg_catalog.<) ${MAX_BUFFERED_SIGNALS}
   RETURNING 1 AS kept`,
  T,
  T,
  T,
  T,
);

/** Every activation waiting on `name` receives it; with none waiting it is kept for the first wait. */
export function signal(db: Db, id: string | null, name: string | null, data: string | null): string {
  if (id === null || name === null) {
    throw new DfError(SQLSTATE.invalidParameterValue, 'df.signal needs an instance id and a signal name');
  }
  if (name === '') throw new DfError(SQLSTATE.invalidParameterValue, 'signal name must not be empty');
  const json = data === null ? 'null' : asJson(data);
  const inst = store.lockInstance(db, id);
  if (inst === null) throw notFound(id);
  if (TERMINAL.has(inst.status)) return 'OK';
  const waiting = db
    .query(waitingStmt, [inst.owner, id, name])
    .filter((w) => !('signal' in (JSON.parse(w.memo as string) as object)));
  if (!waiting.length && !db.query(bufferStmt, [inst.owner, id, name, json]).length) {
    throw new DfError(
      SQLSTATE.programLimitExceeded,
      `instance ${id} already keeps ${MAX_BUFFERED_SIGNALS} signals that no wait has consumed`,
      'A workflow consumes one signal per df.wait_for_signal().',
    );
  }
  for (const w of waiting) {
    const memo = { ...(JSON.parse(w.memo as string) as object), signal: json };
    db.query(deliverStmt, [inst.owner, w.id, JSON.stringify(memo)]);
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
