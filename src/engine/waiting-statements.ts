// What the in-server statement runners (pg_cron, the loopback) share: which statements are
// theirs to take. A CLI statement runner, where one runs, claims work within a fraction of a
// second; a statement that no runner took for CLAIM_AFTER_SECONDS is taken to have none.
import { type Db, stmt } from './db.js';

export const CLAIM_AFTER_SECONDS = 10;
/** The result of every statement that cannot run in a transaction block (spec outside-steps.md §5). */
export const STATEMENT_RESULT = '{"rows":[],"row_count":0}';

const T = 'pg_catalog.text';
const EQ = 'OPERATOR(pg_catalog.=)';
const NOW = 'pg_catalog.clock_timestamp()';
// Never claimed, or its lease ran out; and still to be done (its activation parked, its
// instance running).
const waitingStmt = stmt(
  `SELECT EXISTS (
     SELECT FROM df.dispatches d
     WHERE d.owner ${EQ} (SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole) AND d.kind ${EQ} 'statement'
       AND (d.lease_until IS NULL OR d.lease_until OPERATOR(pg_catalog.<) ${NOW})
       AND d.dispatched_at OPERATOR(pg_catalog.<) (${NOW} OPERATOR(pg_catalog.-) '${CLAIM_AFTER_SECONDS} seconds'::pg_catalog.interval)
       AND EXISTS (SELECT FROM df.activations a
                   WHERE a.owner ${EQ} d.owner AND a.id ${EQ} d.activation_id
                     AND NOT a.retired AND a.wake_at ${EQ} 'infinity'::pg_catalog.timestamptz)
       AND EXISTS (SELECT FROM df.instances i
                   WHERE i.submitted_by ${EQ} d.owner AND i.id ${EQ} d.instance_id
                     AND i.status ${EQ} ANY ('{pending,running}'::${T}[]))) AS waiting`,
);

/** Whether the current role has a statement that no runner took for CLAIM_AFTER_SECONDS. */
export function statementWaiting(db: Db): boolean {
  return db.query(waitingStmt)[0].waiting === true;
}
