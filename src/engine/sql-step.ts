// Runs a step's SQL and shapes its result as {"rows":[…],"row_count":N}. Row sets are
// turned into JSON by PostgreSQL itself (row_to_json), so int8, numeric and timestamps stay
// exact and column order is kept; DML without RETURNING reports its affected-row count.
import type { Db } from './db.js';
import { lexSql } from '../template/lexer.js';

export class StepSqlError extends Error {}

type Shape = 'query' | 'returning' | 'command';

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

export function shapeOf(sql: string): Shape {
  const code = codeOnly(sql).toLowerCase();
  const first = /^[\s(]*([a-z]+)/.exec(code)?.[1] ?? '';
  const has = (word: string) => new RegExp(`\\b${word}\\b`).test(code);
  if (first === 'select' || first === 'values' || first === 'table') return 'query';
  if (first === 'with') return ['insert', 'update', 'delete', 'merge'].some(has) ? 'command' : 'query';
  if (['insert', 'update', 'delete'].includes(first) && has('returning')) return 'returning';
  return 'command';
}

// Compact JSON text (json_agg would add line breaks); row_to_json keeps column order. The
// alias is one no user column is likely to shadow.
const ROW = '"pg_durable step row"';
const AS_JSON = `'{"rows":[' || coalesce(string_agg(row_to_json(${ROW})::text, ','), '') || '],"row_count":' || count(*) || '}' AS r`;

export function runSqlStep(db: Db, template: string): string {
  const sql = singleStatement(template);
  const shape = shapeOf(sql);
  try {
    if (shape === 'query') return (db.execute(`SELECT ${AS_JSON} FROM (${sql}\n) ${ROW}`) as { r: string }[])[0].r;
    if (shape === 'returning') return (db.execute(`WITH ${ROW} AS (${sql}\n) SELECT ${AS_JSON} FROM ${ROW}`) as { r: string }[])[0].r;
    const out = db.execute(sql);
    if (typeof out === 'number') return `{"rows":[],"row_count":${out}}`;
    return `{"rows":[${out.map(rowJson).join(',')}],"row_count":${out.length}}`;
  } catch (e) {
    throw new StepSqlError(explain(messageOf(e)));
  }
}

/** Rows of a statement we could not wrap (a WITH … INSERT, SHOW, EXPLAIN …), from plv8's values. */
function rowJson(row: Record<string, unknown>): string {
  return `{${Object.keys(row).map((k) => `${JSON.stringify(k)}:${valueJson(row[k])}`).join(',')}}`;
}

function valueJson(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
  if (Array.isArray(v)) return `[${v.map(valueJson).join(',')}]`;
  return JSON.stringify(v) ?? 'null';
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
