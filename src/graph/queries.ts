// The `query` field of non-SQL nodes holds the node's configuration (spec section 3).
// Each reader takes the raw query text and returns the typed configuration or throws a
// GraphError naming the node type and the offending field; each writer produces the
// canonical text the readers accept.

import { parseCron } from '../cron/parse.js';
import { GraphError, RESULT_NAME_PATTERN } from './envelope.js';
import { describeJson, isPlainObject, jsonNestingDepth, parseJson } from './json-text.js';

export interface ScheduleQuery { cron_expr: string }
export interface SignalQuery { signal_name: string; timeout_seconds: number | null }
/** The raw break text: `$name`/`{var}` substitution and JSON interpretation happen at run time. */
export interface BreakQuery { break_value: string | null }
export interface HttpQuery {
  url: string;
  method: string;
  body: string | null;
  headers: Record<string, string> | null;
  timeout_seconds: number;
}
/** IF without a condition node: true when the named result has at least one row. */
export interface IfRowsQuery { if_rows: string }

// Config objects are flat; HTTP headers add one level.
const MAX_QUERY_NESTING = 2;

export function readSleepSeconds(query: string): number {
  if (!/^[0-9]+$/.test(query) || !Number.isSafeInteger(Number(query))) {
    throw new GraphError(`SLEEP query must be a non-negative whole number of seconds, got ${JSON.stringify(query)}`);
  }
  return Number(query);
}

export function readScheduleQuery(query: string): ScheduleQuery {
  const fields = readConfig('WAIT_SCHEDULE', query, ['cron_expr']);
  const cronExpr = fields.cron_expr;
  if (typeof cronExpr !== 'string') throw fieldError('WAIT_SCHEDULE', 'cron_expr', 'a string', cronExpr);
  validateCron(cronExpr);
  return { cron_expr: cronExpr };
}

export function readSignalQuery(query: string): SignalQuery {
  const fields = readConfig('SIGNAL', query, ['signal_name', 'timeout_seconds']);
  const name = fields.signal_name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw fieldError('SIGNAL', 'signal_name', 'a non-empty string', name);
  }
  const timeout = fields.timeout_seconds ?? null;
  if (timeout !== null && !isPositiveInteger(timeout)) {
    throw fieldError('SIGNAL', 'timeout_seconds', 'a positive whole number or null', timeout);
  }
  return { signal_name: name, timeout_seconds: timeout };
}

export function readBreakQuery(query: string): BreakQuery {
  const value = readConfig('BREAK', query, ['break_value']).break_value ?? null;
  if (value !== null && typeof value !== 'string') {
    throw fieldError('BREAK', 'break_value', 'a string or null', value);
  }
  return { break_value: value };
}

export function readHttpQuery(query: string): HttpQuery {
  const fields = readConfig('HTTP', query, ['url', 'method', 'body', 'headers', 'timeout_seconds']);
  const { url, method, timeout_seconds: timeout } = fields;
  const body = fields.body ?? null;
  const headers = fields.headers ?? null;
  if (typeof url !== 'string' || url === '') throw fieldError('HTTP', 'url', 'a non-empty string', url);
  if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) {
    throw fieldError('HTTP', 'method', 'an upper-case HTTP method', method);
  }
  if (body !== null && typeof body !== 'string') throw fieldError('HTTP', 'body', 'a string or null', body);
  if (headers !== null && !(isPlainObject(headers) && Object.values(headers).every((v) => typeof v === 'string'))) {
    throw fieldError('HTTP', 'headers', 'an object of string values or null', headers);
  }
  if (!isPositiveInteger(timeout)) throw fieldError('HTTP', 'timeout_seconds', 'a positive whole number', timeout);
  return { url, method, body, headers: headers as Record<string, string> | null, timeout_seconds: timeout };
}

export function readIfRowsQuery(query: string): IfRowsQuery {
  const name = readConfig('IF', query, ['if_rows']).if_rows;
  if (typeof name !== 'string' || !RESULT_NAME_PATTERN.test(name)) {
    throw fieldError('IF', 'if_rows', 'a result name matching ^[A-Za-z_][A-Za-z0-9_]*$', name);
  }
  return { if_rows: name };
}

// Writers: key order fixed by construction so equal inputs give equal text.
export const writeScheduleQuery = (q: ScheduleQuery): string => JSON.stringify({ cron_expr: q.cron_expr });
export const writeSignalQuery = (q: SignalQuery): string =>
  JSON.stringify({ signal_name: q.signal_name, timeout_seconds: q.timeout_seconds });
export const writeBreakQuery = (q: BreakQuery): string => JSON.stringify({ break_value: q.break_value });
export const writeIfRowsQuery = (q: IfRowsQuery): string => JSON.stringify({ if_rows: q.if_rows });

export function validateCron(expr: string): void {
  try {
    parseCron(expr);
  } catch (e) {
    throw new GraphError((e as Error).message);
  }
}

function readConfig(nodeType: string, query: string, keys: readonly string[]): Record<string, unknown> {
  const what = `${nodeType} query`;
  if (jsonNestingDepth(query) > MAX_QUERY_NESTING) {
    throw new GraphError(`invalid ${what}: nested deeper than ${MAX_QUERY_NESTING} levels`);
  }
  const fields = parseJson(query, what);
  if (!isPlainObject(fields)) throw new GraphError(`invalid ${what}: expected a JSON object, got ${describeJson(fields)}`);
  for (const key of Object.keys(fields)) {
    if (!keys.includes(key)) {
      throw new GraphError(`invalid ${what}: unknown key '${key}' (expected ${keys.join(', ')})`);
    }
  }
  return fields;
}

function fieldError(nodeType: string, field: string, expected: string, actual: unknown): GraphError {
  return new GraphError(`invalid ${nodeType} query: ${field} must be ${expected}, got ${describeJson(actual)}`);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
