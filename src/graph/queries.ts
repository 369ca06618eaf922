// The `query` field of non-SQL nodes holds the node's configuration (spec section 3).
// Each reader takes the raw query text and returns the typed configuration or throws a
// GraphError naming the node type and the offending field; each writer produces the
// canonical text the readers accept.

import { parseCron } from '../cron/parse.js';
import { GraphError, quote, resultNameMessage } from './envelope.js';
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
/** One part of a multipart/form-data request; exactly one of data and data_b64. */
export interface MultipartPart {
  name: string;
  filename?: string;
  content_type?: string;
  data?: string;
  data_b64?: string;
}
export interface HttpMultipartQuery {
  url: string;
  method: string;
  parts: MultipartPart[];
  headers: Record<string, string> | null;
  timeout_seconds: number;
}
/** MAP: at most `concurrency` item bodies in flight; more than `max_failures` failed items fail it. */
export interface MapQuery { concurrency: number; max_failures: number }
/** IF without a condition node: true when the named result has at least one row. */
export interface IfRowsQuery { result_name: string }

/** The reference's form of an if_rows query, which df.if_rows writes. */
const RESULT_HAS_ROWS = 'result_has_rows';

// Config objects are flat; HTTP headers add one level, multipart parts two.
const MAX_QUERY_NESTING = 3;

/**
 * The longest sleep or signal timeout: 100 years (of 365.25 days). The wake time `now + s`
 * then stays far inside both the JavaScript Date range (±275,000 years) and timestamptz's
 * (up to 294276 AD), so it is always a valid date; no workflow needs to wait longer.
 */
export const MAX_WAIT_SECONDS = 3_155_760_000;
export const MAX_WAIT_TEXT = `${MAX_WAIT_SECONDS} (100 years)`;

/** Signal names are matched by df.signal; a longer one is a mistake, not a name. */
export const MAX_SIGNAL_NAME_LENGTH = 255;

/** The spec's bound for an HTTP step (outside-steps.md). */
export const MAX_HTTP_TIMEOUT_SECONDS = 300;
export const HTTP_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
export const MULTIPART_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH'];
const PART_KEYS: readonly string[] = ['name', 'filename', 'content_type', 'data', 'data_b64'];

export function readSleepSeconds(query: string): number {
  const seconds = /^[0-9]+$/.test(query) ? Number(query) : Number.NaN;
  if (!(seconds <= MAX_WAIT_SECONDS)) {
    throw new GraphError(`SLEEP query must be a whole number of seconds from 0 to ${MAX_WAIT_TEXT}, got ${quote(query)}`);
  }
  return seconds;
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
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_SIGNAL_NAME_LENGTH) {
    throw fieldError('SIGNAL', 'signal_name', `a non-empty string of at most ${MAX_SIGNAL_NAME_LENGTH} characters`, name);
  }
  const timeout = fields.timeout_seconds ?? null;
  if (timeout !== null && !isWholeNumberIn(timeout, 1, MAX_WAIT_SECONDS)) {
    throw fieldError('SIGNAL', 'timeout_seconds', `a whole number from 1 to ${MAX_WAIT_TEXT}, or null`, timeout);
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
  const body = fields.body ?? null;
  if (body !== null && typeof body !== 'string') throw fieldError('HTTP', 'body', 'a string or null', body);
  return { ...readHttpCommon('HTTP', fields, HTTP_METHODS), body };
}

export function readHttpMultipartQuery(query: string): HttpMultipartQuery {
  const type = 'HTTP_MULTIPART';
  const fields = readConfig(type, query, ['url', 'method', 'parts', 'headers', 'timeout_seconds']);
  const parts = fields.parts;
  if (!Array.isArray(parts) || parts.length === 0) throw fieldError(type, 'parts', 'a non-empty array of part objects', parts);
  parts.forEach((part, i) => readPart(part, i));
  return { ...readHttpCommon(type, fields, MULTIPART_METHODS), parts: parts as MultipartPart[] };
}

function readHttpCommon(type: string, fields: Record<string, unknown>, methods: readonly string[]) {
  const { url, method, timeout_seconds: timeout } = fields;
  const headers = fields.headers ?? null;
  if (typeof url !== 'string' || url === '') throw fieldError(type, 'url', 'a non-empty string', url);
  if (typeof method !== 'string' || !methods.includes(method)) throw fieldError(type, 'method', `one of ${methods.join(', ')}`, method);
  if (headers !== null && !(isPlainObject(headers) && Object.values(headers).every((v) => typeof v === 'string'))) {
    throw fieldError(type, 'headers', 'an object of string values or null', headers);
  }
  if (!isWholeNumberIn(timeout, 1, MAX_HTTP_TIMEOUT_SECONDS)) {
    throw fieldError(type, 'timeout_seconds', `a whole number from 1 to ${MAX_HTTP_TIMEOUT_SECONDS}`, timeout);
  }
  return { url, method, headers: headers as Record<string, string> | null, timeout_seconds: timeout };
}

/** A part's shape; whether data_b64 is valid base64 is known only once templates are resolved. */
function readPart(part: unknown, index: number): void {
  const where = `parts[${index}]`;
  if (!isPlainObject(part)) throw fieldError('HTTP_MULTIPART', where, 'an object', part);
  for (const key of Object.keys(part)) {
    if (!PART_KEYS.includes(key)) {
      throw new GraphError(`invalid HTTP_MULTIPART query: ${where}: unknown key ${quote(key, "'")} (expected ${PART_KEYS.join(', ')})`);
    }
    if (typeof part[key] !== 'string') throw fieldError('HTTP_MULTIPART', `${where}.${key}`, 'a string', part[key]);
  }
  if (typeof part.name !== 'string' || part.name === '') throw fieldError('HTTP_MULTIPART', `${where}.name`, 'a non-empty string', part.name);
  if (('data' in part) === ('data_b64' in part)) {
    throw new GraphError(`invalid HTTP_MULTIPART query: ${where} must have exactly one of data and data_b64`);
  }
}

/** Bounds of df.map's concurrency: every item in flight is a live activation. */
export const MAX_MAP_CONCURRENCY = 1000;
/** A failure count beyond any map's item count (items are at most a row set a step returns). */
const MAX_MAP_FAILURES = 2_147_483_647;

export function readMapQuery(query: string): MapQuery {
  const fields = readConfig('MAP', query, ['concurrency', 'max_failures']);
  const { concurrency, max_failures: maxFailures } = fields;
  if (!isWholeNumberIn(concurrency, 1, MAX_MAP_CONCURRENCY)) {
    throw fieldError('MAP', 'concurrency', `a whole number from 1 to ${MAX_MAP_CONCURRENCY}`, concurrency);
  }
  if (!isWholeNumberIn(maxFailures, 0, MAX_MAP_FAILURES)) {
    throw fieldError('MAP', 'max_failures', 'a whole number, 0 or more', maxFailures);
  }
  return { concurrency, max_failures: maxFailures };
}

export function readIfRowsQuery(query: string): IfRowsQuery {
  // The reference's wordings, which scripts match on.
  let config: unknown;
  try {
    config = JSON.parse(query);
  } catch (e) {
    throw new GraphError(`query in IF must be valid JSON config: ${(e as Error).message}`);
  }
  if (isPlainObject(config) && 'condition_node' in config) {
    throw new GraphError('condition_node in IF must be a first-class Durofut field, not embedded in query');
  }
  // `{"condition_type":"result_has_rows","result_name":…}` as the reference writes it, or
  // `{"if_rows":…}` as pg_durable 0.1.0 wrote it (instances started before an upgrade).
  const fields = readConfig('IF', query, ['condition_type', 'result_name', 'if_rows']);
  const legacy = 'if_rows' in fields;
  if (legacy ? 'condition_type' in fields || 'result_name' in fields : fields.condition_type !== RESULT_HAS_ROWS) {
    throw fieldError('IF', 'condition_type', `'${RESULT_HAS_ROWS}' with a result_name`, fields.condition_type);
  }
  const field = legacy ? 'if_rows' : 'result_name';
  const name = fields[field];
  if (typeof name !== 'string') throw fieldError('IF', field, 'a result name', name);
  const problem = resultNameMessage(name);
  if (problem !== null) throw new GraphError(`invalid IF query: ${field}: ${problem}`);
  return { result_name: name };
}

// Writers: key order fixed by construction so equal inputs give equal text.
export const writeScheduleQuery = (q: ScheduleQuery): string => JSON.stringify({ cron_expr: q.cron_expr });
export const writeSignalQuery = (q: SignalQuery): string =>
  JSON.stringify({ signal_name: q.signal_name, timeout_seconds: q.timeout_seconds });
export const writeBreakQuery = (q: BreakQuery): string => JSON.stringify({ break_value: q.break_value });
export const writeHttpQuery = (q: HttpQuery): string =>
  JSON.stringify({ url: q.url, method: q.method, body: q.body, headers: q.headers, timeout_seconds: q.timeout_seconds });
export const writeHttpMultipartQuery = (q: HttpMultipartQuery): string =>
  JSON.stringify({ url: q.url, method: q.method, parts: q.parts, headers: q.headers, timeout_seconds: q.timeout_seconds });
export const writeMapQuery = (q: MapQuery): string =>
  JSON.stringify({ concurrency: q.concurrency, max_failures: q.max_failures });
export const writeIfRowsQuery = (q: IfRowsQuery): string =>
  JSON.stringify({ condition_type: RESULT_HAS_ROWS, result_name: q.result_name });

/** A cron expression's error as the builders' own: `Invalid cron expression '<expr>': <why>`. */
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
      throw new GraphError(`invalid ${what}: unknown key ${quote(key, "'")} (expected ${keys.join(', ')})`);
    }
  }
  return fields;
}

function fieldError(nodeType: string, field: string, expected: string, actual: unknown): GraphError {
  return new GraphError(`invalid ${nodeType} query: ${field} must be ${expected}, got ${describeValue(actual)}`);
}

/** describeJson with long strings cut, for messages that echo what the caller gave. */
export function describeValue(value: unknown): string {
  return typeof value === 'string' ? `the string ${quote(value)}` : describeJson(value);
}

function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
