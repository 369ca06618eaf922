// Runs a step's SQL and shapes its result as {"rows":[…],"row_count":N}. Row sets are
// turned into JSON by PostgreSQL itself (row_to_json), so int8, numeric and timestamps stay
// exact and column order is kept; DML without RETURNING reports its affected-row count.
import type { Db } from './db.js';
import { lexSql } from '../template/lexer.js';
import { planStatement } from './statement.js';

export class StepSqlError extends Error {}

/** The statement's code with literals, identifiers and comments blanked out. */
function codeOnly(sql: string): string {
  return lexSql(sql)
    .map((s) => (s.kind === 'code' ? s.text : ' '.repeat(s.text.length)))
    .join('');
}

/** One statement, without its trailing semicolons; more than one is an error. */
export function singleStatement(sql: string): string {
  const code = codeOnly(sql);
  const semicolon = code.indexOf(';');
  if (semicolon < 0) return sql.trim();
  if (code.slice(semicolon).replace(/[;\s]/g, '') !== '') {
    throw new StepSqlError('a step is one SQL statement: split it into several steps with ~>');
  }
  return sql.slice(0, semicolon).trim();
}

// Compact JSON text (json_agg would add line breaks); row_to_json keeps column order. The
// alias is one no user column is likely to shadow.
const ROW = '"pg_durable step row"';
const AS_JSON = `'{"rows":[' || coalesce(string_agg(row_to_json(${ROW})::text, ','), '') || '],"row_count":' || count(*) || '}' AS r`;

export function runSqlStep(db: Db, template: string): string {
  const sql = singleStatement(template);
  const plan = planStatement(sql);
  try {
    switch (plan.kind) {
      case 'query':
        return rowsOf(db, `SELECT ${AS_JSON} FROM (${sql}\n) ${ROW}`);
      case 'returning':
        return rowsOf(db, `WITH ${ROW} AS (${sql}\n) SELECT ${AS_JSON} FROM ${ROW}`);
      case 'with':
        // The main statement joins the CTE list, so data-modifying CTEs stay at the top level.
        if (plan.mainReturnsRows) return rowsOf(db, `${plan.ctes}, ${ROW} AS (${plan.main}\n) SELECT ${AS_JSON} FROM ${ROW}`);
        return affected(db, sql);
      case 'command':
        return affected(db, sql);
    }
  } catch (e) {
    throw new StepSqlError(explain(messageOf(e)));
  }
}

function rowsOf(db: Db, sql: string): string {
  return (db.execute(sql) as { r: string }[])[0].r;
}

/** A statement that returns no rows to us (DDL, DML without RETURNING, SELECT … INTO, …). */
function affected(db: Db, sql: string): string {
  const out = db.execute(sql);
  return `{"rows":[],"row_count":${typeof out === 'number' ? out : out.length}}`;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function explain(message: string): string {
  if (/cannot (run|be executed) inside a transaction block|cannot be executed from a function/.test(message)) {
    return `${message} (pg_durable runs every step inside a transaction together with its checkpoint, so statements that need their own transaction are not supported as steps)`;
  }
  return message;
}
