// The loopback (spec/outside-steps.md §6): a second session of the calling role in this
// database, through dblink and the foreign server pg_durable_loopback that an administrator
// created (dblink_fdw, pointing at this database, with a user mapping for the role). What it
// runs commits on its own, whatever the caller's transaction does.
//
// Identity: dblink connects with the options of the server and of the current role's user
// mapping, and lets a role that is not a superuser in only when the server asked for the
// password the mapping holds. The session must be the role itself: one that logs in as anyone
// else is refused before anything runs there. Name resolution: dblink's functions are named
// with the schema of extension dblink and exact argument types, and the remote statements
// name only pg_catalog and df objects.
import { type Db, type Row, stmt } from './db.js';
import { DfError, SQLSTATE } from './errors.js';

export const LOOPBACK_SERVER = 'pg_durable_loopback';
/** The named dblink connection of df.start(…, 'new'); a name left by an interrupted call is reused. */
const CONNECTION = 'pg_durable loopback';
/** Bounds a remote wait on what the caller's own open transaction may hold (the reference's 30 s). */
const REMOTE_TIMEOUT_MS = 30_000;

const T = 'pg_catalog.text';
const EQ = 'OPERATOR(pg_catalog.=)';
const setupStmt = stmt(
  `SELECT (SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_extension e
           JOIN pg_catalog.pg_namespace n ON n.oid ${EQ} e.extnamespace WHERE e.extname ${EQ} 'dblink') AS schema,
          (SELECT w.fdwname::${T} FROM pg_catalog.pg_foreign_server s
           JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid ${EQ} s.srvfdw WHERE s.srvname ${EQ} '${LOOPBACK_SERVER}') AS fdw,
          (SELECT pg_catalog.has_server_privilege(s.oid, 'USAGE') FROM pg_catalog.pg_foreign_server s
           WHERE s.srvname ${EQ} '${LOOPBACK_SERVER}') AS server_usage,
          EXISTS (SELECT FROM pg_catalog.pg_user_mappings m
                  WHERE m.srvname ${EQ} '${LOOPBACK_SERVER}'
                    AND (m.usename ${EQ} CURRENT_USER OR m.umuser ${EQ} 0::pg_catalog.oid)) AS mapped,
          pg_catalog.quote_ident(CURRENT_USER) AS role_ident, pg_catalog.quote_literal(CURRENT_USER) AS role_literal,
          pg_catalog.quote_literal(pg_catalog.current_database()) AS database_literal,
          pg_catalog.quote_literal(coalesce(pg_catalog.host(pg_catalog.inet_server_addr()), 'localhost')) AS host_literal,
          pg_catalog.quote_literal(pg_catalog.current_setting('port')) AS port_literal,
          pg_catalog.current_database()::${T} AS database`,
);

interface Setup {
  schema: string | null;
  fdw: string | null;
  server_usage: boolean | null;
  mapped: boolean;
  role_ident: string;
  role_literal: string;
  database_literal: string;
  host_literal: string;
  port_literal: string;
  database: string;
}

/** The schema of dblink (quoted) where the loopback is configured for the current role, else null. */
export function loopbackSchema(db: Db): string | null {
  const s = readSetup(db);
  return s.fdw === 'dblink_fdw' && missingPieces(s).length === 0 ? s.schema : null;
}

/**
 * The schema of dblink (quoted) once the loopback is configured for the current role; else an
 * error that names exactly what an administrator creates. `use` says what needs it.
 */
export function requireLoopback(db: Db, use: string): string {
  const s = readSetup(db);
  if (s.fdw !== null && s.fdw !== 'dblink_fdw') {
    throw new DfError(
      SQLSTATE.objectNotInPrerequisiteState,
      `foreign server ${LOOPBACK_SERVER} uses foreign-data wrapper ${s.fdw}, not dblink_fdw`,
      `An administrator drops it and creates it again: CREATE SERVER ${LOOPBACK_SERVER} FOREIGN DATA WRAPPER dblink_fdw OPTIONS (…);`,
    );
  }
  const missing = missingPieces(s);
  if (missing.length === 0) return s.schema!;
  throw new DfError(
    SQLSTATE.objectNotInPrerequisiteState,
    `${use} needs the loopback server ${LOOPBACK_SERVER} for role ${s.role_ident}, which database ${s.database} does not have configured`,
    `An administrator (a superuser) runs in database ${s.database}:\n${missing.join('\n')}\n` +
      `The user mapping holds the role's own password; the server must ask for it (pg_hba.conf: scram-sha-256 or md5 for that host), ` +
      'or dblink refuses a role that is not a superuser. See docs/maintenance.md.',
  );
}

function readSetup(db: Db): Setup {
  return db.query(setupStmt)[0] as unknown as Setup;
}

/** The statements that create what is missing, in order. */
function missingPieces(s: Setup): string[] {
  const missing: string[] = [];
  if (s.schema === null) missing.push('CREATE EXTENSION dblink;');
  if (s.fdw === null) {
    missing.push(
      `CREATE SERVER ${LOOPBACK_SERVER} FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host ${s.host_literal}, port ${s.port_literal}, dbname ${s.database_literal});`,
    );
  }
  if (!s.mapped) {
    missing.push(`CREATE USER MAPPING FOR ${s.role_ident} SERVER ${LOOPBACK_SERVER} OPTIONS (user ${s.role_literal}, password '…');`);
  }
  if (s.server_usage !== true) missing.push(`GRANT USAGE ON FOREIGN SERVER ${LOOPBACK_SERVER} TO ${s.role_ident};`);
  return missing;
}

/** Runs one statement of the session on dblink's functions (`dblink`: its quoted schema); every argument is text. */
export function onDblink(db: Db, sql: string, ...args: string[]): Row[] {
  return db.query(stmt(sql, ...args.map(() => T)), args);
}

/**
 * Opens the named dblink connection to the loopback (closing one of that name an interrupted
 * call left), checks that it is the role itself, and applies `settings` there; `what` names the
 * operation in errors.
 */
export function openLoopback(db: Db, dblink: string, connection: string, role: string, settings: string, what: string): void {
  if ((onDblink(db, `SELECT ${dblink}.dblink_get_connections() AS c`)[0].c as string[] | null)?.includes(connection)) {
    closeLoopback(db, dblink, connection);
  }
  try {
    onDblink(db, `SELECT ${dblink}.dblink_connect($1::${T}, $2::${T})`, connection, LOOPBACK_SERVER);
  } catch (e) {
    throw connectionError(e, what, role);
  }
  try {
    const user = onDblink(db, `SELECT t.u FROM ${dblink}.dblink($1::${T}, $2::${T}) AS t(u ${T})`, connection, remoteUserSql)[0].u as string;
    if (user !== role) {
      throw new DfError(
        SQLSTATE.insufficientPrivilege,
        `${what} refused: the user mapping of ${LOOPBACK_SERVER} for role ${role} logs in as ${user}; the loopback must authenticate as the calling role itself`,
        `An administrator gives the mapping the role's own name and password: ALTER USER MAPPING FOR … SERVER ${LOOPBACK_SERVER} OPTIONS (SET user '…', SET password '…');`,
      );
    }
    onDblink(db, `SELECT ${dblink}.dblink_exec($1::${T}, $2::${T})`, connection, settings);
  } catch (e) {
    closeLoopback(db, dblink, connection);
    throw e;
  }
}

/** Closes the named connection; one that broke has nothing to close. */
export function closeLoopback(db: Db, dblink: string, connection: string): void {
  try {
    onDblink(db, `SELECT ${dblink}.dblink_disconnect($1::${T})`, connection);
  } catch {
    // already gone: whatever ended it is reported by the caller
  }
}

const remoteUserSql = `SELECT SESSION_USER::${T}`;
const remoteStartSettings =
  `SET application_name = 'pg_durable loopback'; SET lock_timeout = ${REMOTE_TIMEOUT_MS}; ` +
  `SET statement_timeout = ${REMOTE_TIMEOUT_MS}`;

/**
 * Runs `remoteSql` (a statement that yields one text value, naming only pg_catalog and df
 * objects) in a loopback session of the current role, which commits it on its own; `what`
 * names the operation in errors.
 */
export function remoteValue(db: Db, dblink: string, role: string, remoteSql: string, what: string): string | null {
  openLoopback(db, dblink, CONNECTION, role, remoteStartSettings, what);
  try {
    return onDblink(db, `SELECT t.v FROM ${dblink}.dblink($1::${T}, $2::${T}) AS t(v ${T})`, CONNECTION, remoteSql)[0]?.v as string | null;
  } finally {
    closeLoopback(db, dblink, CONNECTION);
  }
}

/** A failed connection keeps its SQLSTATE (reply.ts), says what failed and, for a password refusal, what the server needs. */
function connectionError(e: unknown, what: string, role: string): Error {
  const { message, sqlerrcode, detail } = e as { message: string; sqlerrcode?: string; detail?: string };
  const why = detail ? `${message}: ${detail}` : message;
  const hint = /password/i.test(why)
    ? `dblink lets a role that is not a superuser connect only with a password the server asks for: the user mapping for ${role} holds the role's password, and pg_hba.conf asks for one (scram-sha-256) on the host and port of ${LOOPBACK_SERVER}.`
    : `Check the options of ${LOOPBACK_SERVER} (host, port, dbname) and of the user mapping for ${role}.`;
  return Object.assign(new Error(`${what} failed: could not connect through ${LOOPBACK_SERVER}: ${why}`), {
    sqlerrcode: sqlerrcode ?? '08001',
    hint,
  });
}
