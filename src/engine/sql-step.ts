// Runs a step's SQL and shapes its result as {"rows":[…],"row_count":N}. Row sets are
// turned into JSON by PostgreSQL itself (row_to_json), so int8, numeric and timestamps stay
// exact and column order is kept; a number's NaN and infinities become null (spec section 7);
// DML without RETURNING reports its affected-row count.
// Everything wrapped around the user's statement names pg_catalog objects explicitly, so it
// means the same whatever the session's search_path and whatever another role put in public.
import { type Db, stmt } from './db.js';
import { passesThrough } from './errors.js';
import { STANDARD_STRINGS, type StringSettings, dependsOnStringSettings, lexSql } from '../template/lexer.js';
import { planStatement } from './statement.js';

export class StepSqlError extends Error {}

export interface StepLimits {
  /** pg_durable.max_result_bytes: the largest result text a step may produce. */
  maxResultBytes: number;
}

const stringSettingsStmt = stmt(`SELECT pg_catalog.current_setting('standard_conforming_strings') AS scs`);

/**
 * The session's string settings as they are now (a role's defaults or an earlier step may have
 * changed them), for lexing the step `text` (its variables already filled in). Read only when
 * they matter: without a backslash in the text they change nothing, and every backslash that
 * substitution adds sits in an E'...' literal, which reads the same under any settings.
 */
export function sessionStringSettings(db: Db, text: string): StringSettings {
  if (!dependsOnStringSettings(text)) return STANDARD_STRINGS;
  const { scs } = db.query(stringSettingsStmt)[0] as { scs: string };
  return { standardConformingStrings: scs === 'on' };
}

/** The statement's code with literals, identifiers and comments blanked out. */
function codeOnly(sql: string, strings: StringSettings): string {
  return lexSql(sql, strings)
    .map((s) => (s.kind === 'code' ? s.text : ' '.repeat(s.text.length)))
    .join('');
}

/** One statement, without its trailing semicolons; more than one is an error. */
export function singleStatement(sql: string, strings: StringSettings): string {
  const code = codeOnly(sql, strings);
  const semicolon = code.indexOf(';');
  if (semicolon < 0) return sql.trim();
  if (code.slice(semicolon).replace(/[;\s]/g, '') !== '') {
    throw new StepSqlError('a step is one SQL statement: split it into several steps with ~>');
  }
  return sql.slice(0, semicolon).trim();
}

// The alias is one no user column is likely to shadow.
const ROW = '"pg_durable step row"';
const RUNNING = 'OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)';
const CAT = 'OPERATOR(pg_catalog.||)';

/**
 * Each row of `from` as compact JSON text (json_agg would add line breaks; row_to_json keeps
 * column order). row_to_json writes a float's or numeric's NaN and infinities as the strings
 * "NaN", "Infinity", "-Infinity", like text holding those words: the rare row whose text holds
 * `NaN"` or `Infinity"` goes with the row itself to df._non_finite_as_null, which makes those
 * of number columns (float4/8, numeric, their domains and arrays) null; every other row costs
 * two substring searches. Each level is kept from being inlined into the next (OFFSET 0),
 * which would build the whole row or its JSON twice.
 */
function rowsJson(from: string): string {
  const has = (needle: string) => `pg_catalog.strpos(j, '${needle}') OPERATOR(pg_catalog.<>) 0`;
  return `(SELECT CASE WHEN ${has('NaN"')} OR ${has('Infinity"')} THEN df._non_finite_as_null(w, j) ELSE j END AS j
        FROM (SELECT w, pg_catalog.row_to_json(w)::pg_catalog.text AS j
          FROM (SELECT ${ROW} AS w FROM ${from} OFFSET 0) AS whole OFFSET 0) AS rendered OFFSET 0)`;
}

/**
 * The rows of `from` as JSON text (see rowsJson), aggregating at most `limit` bytes of them.
 * `total` is the running size of the rows' JSON, commas included; the outer window stops at
 * the second row past the limit (PostgreSQL 15's window run condition; older servers read on
 * but aggregate nothing more), so memory stays bounded however many rows the statement yields.
 * Past the limit `r` is NULL and `reached`/`counted` tell how far the rows got.
 */
function boundedJson(prefix: string, from: string, limit: number): string {
  const over = `total OPERATOR(pg_catalog.>) ${limit}::pg_catalog.int8`;
  const json = `'{"rows":[' ${CAT} coalesce(pg_catalog.string_agg(j, ',') FILTER (WHERE NOT ${over}), '') ${CAT} '],"row_count":' ${CAT} pg_catalog.count(*)::pg_catalog.text ${CAT} '}'`;
  return `${prefix}SELECT r, pg_catalog.octet_length(r) AS bytes, reached, counted FROM (
  SELECT CASE WHEN pg_catalog.bool_or(${over}) THEN NULL ELSE ${json} END AS r,
         pg_catalog.max(total)::pg_catalog.float8 AS reached, pg_catalog.count(*)::pg_catalog.float8 AS counted
  FROM (SELECT j, total, pg_catalog.count(*) FILTER (WHERE ${over}) ${RUNNING} AS overs
    FROM (SELECT j, pg_catalog.sum(pg_catalog.octet_length(j) OPERATOR(pg_catalog.+) 1) ${RUNNING} AS total
      FROM ${rowsJson(from)} AS j) AS t) AS o
  WHERE overs OPERATOR(pg_catalog.<=) 1) AS a`;
}

export function runSqlStep(db: Db, sql: string, limits: StepLimits, strings: StringSettings): string {
  const limit = limits.maxResultBytes;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`invalid pg_durable.max_result_bytes: ${limit}`);
  const statement = singleStatement(sql, strings);
  const plan = planStatement(statement, strings);
  try {
    switch (plan.kind) {
      case 'query':
        return rowsOf(db, boundedJson('', `(${statement}\n) ${ROW}`, limit), limit);
      case 'returning':
        return rowsOf(db, boundedJson(`WITH ${ROW} AS (${statement}\n) `, ROW, limit), limit);
      case 'with':
        // The main statement joins the CTE list, so data-modifying CTEs stay at the top level.
        if (plan.mainReturnsRows) return rowsOf(db, boundedJson(`${plan.ctes}, ${ROW} AS (${plan.main}\n) `, ROW, limit), limit);
        return affected(db, statement);
      case 'command':
        return affected(db, statement);
    }
  } catch (e) {
    if (passesThrough(e)) throw e; // not the step's failure (see errors.ts)
    throw new StepSqlError(explain(messageOf(e)));
  }
}

function rowsOf(db: Db, sql: string, limit: number): string {
  const row = (db.execute(sql) as { r: string | null; bytes: number; reached: number; counted: number }[])[0];
  if (row.r !== null && row.bytes <= limit) return row.r;
  const size =
    row.r === null
      ? `its rows had passed ${row.reached} bytes of JSON by row ${row.counted}, where reading stopped`
      : `it is ${row.bytes} bytes`;
  throw new StepSqlError(
    `step result exceeds pg_durable.max_result_bytes (${limit} bytes): ${size}; return fewer or smaller rows (LIMIT, aggregate)`,
  );
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
