// Classifying errors that reach the engine from SQL. plv8 (and the compatible runtime) put
// the SQLSTATE of a PostgreSQL error on the JavaScript exception as `sqlerrcode`.

/** SQLSTATEs of failures that say nothing about the work itself: run it again later. */
const TRANSIENT = new Set([
  '40001', // serialization_failure (e.g. default_transaction_isolation = serializable)
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
]);

export function sqlState(e: unknown): string | null {
  const code = (e as { sqlerrcode?: unknown } | null)?.sqlerrcode;
  return typeof code === 'string' ? code : null;
}

export function isTransient(e: unknown): boolean {
  return TRANSIENT.has(sqlState(e) ?? '');
}

/**
 * Class 57, operator intervention: query_canceled (pg_cancel_backend, statement_timeout, the
 * CLI worker's shutdown) and the server or session going away. On real plv8 these are
 * catchable JavaScript exceptions; the engine never records them as a step's failure: the
 * step and its checkpoint roll back and the error ends the df.work call.
 */
export function isInterruption(e: unknown): boolean {
  return (sqlState(e) ?? '').startsWith('57');
}

/** Errors no catch of the engine may turn into a result: they belong to the worker loop. */
export function passesThrough(e: unknown): boolean {
  return isTransient(e) || isInterruption(e);
}

/**
 * SQLSTATEs the API reports, by what went wrong: PostgreSQL's own codes, so that callers
 * catch pg_durable's errors by class as they catch the server's.
 */
export const SQLSTATE = {
  featureNotSupported: '0A000',
  invalidTransactionState: '25000',
  invalidParameterValue: '22023',
  insufficientPrivilege: '42501',
  undefinedObject: '42704',
  reservedName: '42939',
  programLimitExceeded: '54000',
  objectNotInPrerequisiteState: '55000',
  internalError: 'XX000',
} as const;
export type SqlState = (typeof SQLSTATE)[keyof typeof SQLSTATE];

/** An error the API reports as is: its SQLSTATE and, where there is an obvious next step, a HINT. */
export class DfError extends Error {
  constructor(
    readonly sqlstate: SqlState,
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
}
