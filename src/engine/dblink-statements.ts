// The in-server statement runner over the loopback (spec/outside-steps.md §5): where an
// administrator configured pg_durable_loopback for the role (loopback.ts), a df.work session of
// the role sends a waiting statement to a loopback session of the role with dblink_send_query,
// where it runs as a top-level statement, outside any transaction block, while the worker goes
// on with other steps in short transactions of its own. Each tick it looks for the outcome,
// renews the lease meanwhile, and completes the node with PostgreSQL's message or the
// statement's result. One statement per worker session at a time.
//
// The loopback session belongs to the worker session: df.work waits for its statement before
// it returns (finish). Should the worker session end first, the statement still runs to its end
// there, but its outcome is lost: the lease runs out and the statement runs again
// (at-least-once, like every outside step).
import type { EngineSession } from './session.js';
import { type Db, stmt } from './db.js';
import { passesThrough } from './errors.js';
import { LOOPBACK_SERVER, closeLoopback, loopbackSchema, onDblink, openLoopback } from './loopback.js';
import { messageOf } from './sql-step.js';
import * as runners from './runners.js';
import { STATEMENT_RESULT, statementWaiting } from './waiting-statements.js';

const CONNECTION = 'pg_durable statement';
const SETTINGS = `SET application_name = 'pg_durable statement (loopback)'; SET statement_timeout = 0`;
/** Renewals also tell a runner that the instance ended (its lease is then no longer held). */
const RENEW_MS = 10_000;
const T = 'pg_catalog.text';
const pidStmt = stmt('SELECT pg_catalog.pg_backend_pid() AS pid');

interface Running {
  activationId: string;
  token: string;
  renewAt: number;
}

/** The statement this session sent, kept across df.work calls of the session. */
let running: Running | null = null;

export class DblinkStatements {
  /** dblink's schema when the loopback is configured for the role; asked once per df.work call. */
  private dblink: string | null | undefined;

  constructor(private readonly role: string) {}

  /** Whether the loopback runs the role's statements (then pg_cron is not given new ones). */
  configured(db: Db): boolean {
    this.dblink ??= loopbackSchema(db);
    return this.dblink !== null;
  }

  /** Looks after the statement this session sent, or sends one that no other runner took. Commits as it goes. */
  tick(session: EngineSession): void {
    const { db } = session;
    if (!this.configured(db)) return;
    const dblink = this.dblink!;
    try {
      if (running !== null) follow(session, dblink, running);
      else if (statementWaiting(db)) this.send(session, dblink);
    } catch (e) {
      if (passesThrough(e)) throw e;
      db.rollback();
      db.notice(`pg_durable: not running statements through ${LOOPBACK_SERVER} in this df.work call: ${messageOf(e)}`);
      this.dblink = null;
    }
  }

  /** Waits (committing between looks) for the statement this session sent, until `deadline` (ms). */
  finish(session: EngineSession, deadline: number, pause: () => void): void {
    while (running !== null && this.dblink && Date.now() < deadline) {
      pause();
      this.tick(session);
      session.db.commit();
    }
  }

  private send(session: EngineSession, dblink: string): void {
    const { db } = session;
    const runner = `${LOOPBACK_SERVER} of worker ${db.query(pidStmt)[0].pid}`;
    const claimed = JSON.parse(runners.claim(session, 'statement', runner, 1)) as { activation_id: string; lease_token: string; request: { sql: string } }[];
    if (claimed.length === 0) return;
    const { activation_id: activationId, lease_token: token, request } = claimed[0];
    db.commit(); // the lease first: a crash after sending leaves it to run out, never the work unclaimed
    try {
      openLoopback(db, dblink, CONNECTION, this.role, SETTINGS, `a statement through ${LOOPBACK_SERVER}`);
      onDblink(db, `SELECT ${dblink}.dblink_send_query($1::${T}, $2::${T})`, CONNECTION, request.sql);
    } catch (e) {
      runners.release(db, activationId, token);
      closeLoopback(db, dblink, CONNECTION);
      db.commit();
      throw e;
    }
    running = { activationId, token, renewAt: Date.now() + RENEW_MS };
  }
}


function follow(session: EngineSession, dblink: string, r: Running): void {
  const { db } = session;
  let busy: boolean;
  try {
    busy = Number(onDblink(db, `SELECT ${dblink}.dblink_is_busy($1::${T}) AS b`, CONNECTION)[0].b) === 1;
  } catch (e) {
    if (passesThrough(e)) throw e;
    // The loopback session is gone, and the statement with it: it runs again.
    running = null;
    runners.release(db, r.activationId, r.token);
    return;
  }
  if (busy) {
    if (Date.now() < r.renewAt) return;
    if (runners.renew(db, r.activationId, r.token) !== null) {
      r.renewAt = Date.now() + RENEW_MS;
      return;
    }
    // Cancelled, a race lost, or taken over: stop the statement; its outcome would be discarded.
    onDblink(db, `SELECT ${dblink}.dblink_cancel_query($1::${T})`, CONNECTION);
    closeLoopback(db, dblink, CONNECTION);
    running = null;
    return;
  }
  let error: string | null = null;
  try {
    onDblink(db, `SELECT t.s FROM ${dblink}.dblink_get_result($1::${T}) AS t(s ${T})`, CONNECTION);
  } catch (e) {
    if (passesThrough(e)) throw e;
    error = messageOf(e); // dblink raises the statement's own error
  }
  closeLoopback(db, dblink, CONNECTION);
  running = null;
  runners.complete(session, r.activationId, r.token, error === null ? STATEMENT_RESULT : null, error, null);
}
