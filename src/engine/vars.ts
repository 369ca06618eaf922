// df.setvar / getvar / unsetvar / clearvars: per-role variables (RLS keeps roles apart). An
// unset variable is marked retired, not deleted: users hold no DELETE right on df tables.
import { stmt } from './db.js';
import type { EngineSession } from './session.js';
import { DfError, SQLSTATE } from './errors.js';

const ME = `(SELECT pg_catalog.quote_ident(CURRENT_USER)::pg_catalog.regrole)`;
const setStmt = stmt(
  `INSERT INTO df.vars (name, value) VALUES ($1, $2)
   ON CONFLICT (owner, name) DO UPDATE SET value = excluded.value, retired = false`,
  'pg_catalog.text',
  'pg_catalog.text',
);
const getStmt = stmt(
  `SELECT v.value FROM df.vars v
   WHERE v.owner OPERATOR(pg_catalog.=) ${ME} AND v.name OPERATOR(pg_catalog.=) $1::pg_catalog.text AND NOT v.retired`,
  'pg_catalog.text',
);
const unsetStmt = stmt(
  `UPDATE df.vars v SET retired = true
   WHERE v.owner OPERATOR(pg_catalog.=) ${ME} AND v.name OPERATOR(pg_catalog.=) $1::pg_catalog.text`,
  'pg_catalog.text',
);
const clearStmt = stmt(`UPDATE df.vars v SET retired = true WHERE v.owner OPERATOR(pg_catalog.=) ${ME} AND NOT v.retired`);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(name: string | null): asserts name is string {
  if (name === null) throw new DfError(SQLSTATE.invalidParameterValue, 'variable name must not be NULL');
  if (!NAME.test(name)) {
    throw new DfError(SQLSTATE.invalidParameterValue, `variable name must match ^[A-Za-z_][A-Za-z0-9_]*$, got '${name}'`);
  }
  if (name.startsWith('sys_')) {
    throw new DfError(SQLSTATE.reservedName, `variable names starting with sys_ are reserved, got '${name}'`);
  }
}

export function setvar(s: EngineSession, name: string | null, value: string | null): string {
  s.refuseInsideStep('df.setvar');
  checkName(name);
  s.db.query(setStmt, [name, value]);
  return 'OK';
}

export function getvar(s: EngineSession, name: string): string | null {
  return (s.db.query(getStmt, [name])[0]?.value as string | null | undefined) ?? null;
}

export function unsetvar(s: EngineSession, name: string): string {
  s.refuseInsideStep('df.unsetvar');
  s.db.query(unsetStmt, [name]);
  return 'OK';
}

export function clearvars(s: EngineSession): string {
  s.refuseInsideStep('df.clearvars');
  s.db.query(clearStmt);
  return 'OK';
}
