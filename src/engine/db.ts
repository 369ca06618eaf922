// The one narrow interface between the engine and the database. On plv8 it is backed by
// plv8.prepare (src/plv8/db.ts); the engine never touches plv8 directly.

/** A statement with its parameter types, prepared once per session. */
export interface Statement {
  readonly sql: string;
  readonly types: readonly string[];
}

export type Row = Record<string, unknown>;

export interface Db {
  /** Runs a prepared statement; rows for tuple-returning statements, else []. */
  query(stmt: Statement, args?: readonly unknown[]): Row[];
  /** Runs dynamic SQL text once (user steps) and frees its result; rows or the affected-row count. */
  execute(sql: string): Row[] | number;
  /**
   * Characters of text bound as statement parameters in this session so far. Real plv8 keeps
   * a statement's converted arguments until the CALL ends, so a worker bounds what one call
   * binds (a step's result travels to its checkpoint as an argument).
   */
  readonly boundChars: number;
  /** Sends the client a NOTICE. */
  notice(message: string): void;
  /** Ends the current transaction and starts a new one (procedures only). */
  commit(): void;
  rollback(): void;
}

export function stmt(sql: string, ...types: string[]): Statement {
  return { sql, types };
}
