// df.start(…, transaction_mode => 'new') (spec/outside-steps.md §6): the ordinary df.start,
// run in a loopback session of the same role (loopback.ts), which commits it on its own, so
// the instance survives the caller's rollback. That session sees only committed rows: the
// variables the instance captures are the role's committed ones.
import { type Db, stmt } from './db.js';
import { remoteValue, requireLoopback } from './loopback.js';

const T = 'pg_catalog.text';
// %L quotes as quote_nullable does: a backslash makes an E'…' literal, which reads the same
// under any standard_conforming_strings of the remote session.
const remoteStartStmt = stmt(
  `SELECT pg_catalog.format('SELECT df.start(%L::${T}, %L::${T}, %L::${T}, ''caller''::${T})', $1::${T}, $2::${T}, $3::${T}) AS sql`,
  T, T, T,
);

/** The new instance's id; `role` is the calling role, which the loopback session must be. */
export function startInNewTransaction(db: Db, fut: string, label: string | null, database: string | null, role: string): string {
  const dblink = requireLoopback(db, "df.start() with transaction_mode => 'new'");
  const sql = db.query(remoteStartStmt, [fut, label, database])[0].sql as string;
  const id = remoteValue(db, dblink, role, sql, 'df.start() on new transaction');
  if (id === null) throw new Error('df.start() on new transaction returned no instance id');
  return id;
}
