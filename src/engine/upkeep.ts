// The engine's upkeep, apart from the steps: workers' heartbeats, sweeping retired rows and
// failing the instances of dropped roles. Like store.ts, every name is schema-qualified.
import { type Db, stmt } from './db.js';

const heartbeatStmt = stmt(
  `INSERT INTO df.workers (last_seen) VALUES (pg_catalog.now())
   ON CONFLICT (owner) DO UPDATE SET last_seen = excluded.last_seen`,
);
/** Records that a worker of the current role runs now. */
export function heartbeat(db: Db): void {
  db.query(heartbeatStmt);
}

// Not read in a serializable transaction: reading the rows workers write would make the
// caller's df.start a party to serialization failures, for the sake of a NOTICE.
const workerSeenStmt = stmt(
  `SELECT CASE WHEN pg_catalog.current_setting('transaction_isolation') OPERATOR(pg_catalog.=) 'serializable' THEN true
          ELSE EXISTS (SELECT FROM df.workers w
                       WHERE w.owner OPERATOR(pg_catalog.=) (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole)
                         AND w.last_seen OPERATOR(pg_catalog.>) (pg_catalog.now() OPERATOR(pg_catalog.-) '90 seconds'::pg_catalog.interval))
          END AS seen`,
);
/** Whether a worker of the current role ran in the last 90 seconds (workers record it at least every 30); true when it cannot be asked. */
export function workerSeenRecently(db: Db): boolean {
  return db.query(workerSeenStmt)[0].seen as boolean;
}

const sweepStmt = stmt(`SELECT df._sweep() AS n`);
/** Removes retired rows of all roles (see df._sweep). */
export function sweep(db: Db): void {
  db.query(sweepStmt);
}

const failOrphansStmt = stmt(`SELECT df._fail_orphaned_instances() AS n`);
/** Fails the unfinished instances of dropped roles (see df._fail_orphaned_instances). */
export function failOrphans(db: Db): void {
  db.query(failOrphansStmt);
}
