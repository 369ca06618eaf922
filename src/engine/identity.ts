// Who a session is. Workers and runners must be sessions authenticated as the role whose
// work they do (design.md, "Identity and isolation"): never SET ROLE from another role, and
// not a superuser unless an administrator allowed superuser instances.
import { type Db, stmt } from './db.js';
import { DfError, SQLSTATE } from './errors.js';

const whoStmt = stmt(
  `SELECT CURRENT_USER::pg_catalog.text AS cur, SESSION_USER::pg_catalog.text AS ses,
          pg_catalog.quote_ident(CURRENT_USER) AS me, r.rolsuper AS super,
          coalesce(pg_catalog.current_setting('pg_durable.enable_superuser_instances', true), 'off')
            OPERATOR(pg_catalog.=) ANY ('{on,true,1}'::pg_catalog.text[]) AS allow_super,
          (SELECT s.setting::pg_catalog.int8 FROM pg_catalog.pg_settings s
           WHERE s.name OPERATOR(pg_catalog.=) 'statement_timeout') AS timeout_ms,
          pg_catalog.current_setting('transaction_isolation') AS isolation
   FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER`,
);

export interface Who {
  cur: string;
  ses: string;
  /** The role as a quoted identifier, as statements bind it (`$1::regrole`). */
  me: string;
  super: boolean;
  allow_super: boolean;
  timeout_ms: string;
  /** The role's isolation level: above read committed a transaction sees one snapshot. */
  isolation: string;
}

/** The session's role, once it is known to be a role's own session; `fn` names the caller in refusals. */
export function ownRole(db: Db, fn: string): Who {
  const who = db.query(whoStmt)[0] as unknown as Who;
  if (who.cur !== who.ses) {
    throw new DfError(
      SQLSTATE.insufficientPrivilege,
      `${fn} must run in a session authenticated as the role whose workflows it runs (current_user ${who.cur}, session_user ${who.ses})`,
      `Connect as ${who.cur} instead of using SET ROLE.`,
    );
  }
  if (who.super && !who.allow_super) {
    throw new DfError(
      SQLSTATE.insufficientPrivilege,
      `${fn} refuses to run as a superuser`,
      'Run workers as the roles that start workflows, or set pg_durable.enable_superuser_instances = on.',
    );
  }
  return who;
}
