// The DSL builders behind df.sql, df.seq, … and the operators (spec sections 1 and 2).
// Each takes the SQL function's text arguments and returns canonical envelope JSON text.
// Operators: `~>` seq, `|=>` as, `&` join, `|` race, `?>` partialIf, `!>` completeIf,
// prefix `@>` loop(body); PostgreSQL parses them all left-associative at one precedence.

import {
  countNodes, GraphError, isPartialIf, MAX_NODES, NODE_COUNT_MESSAGE, quote, resultNameMessage, toJson, type Envelope,
} from './envelope.js';
import {
  HTTP_METHODS, MAX_HTTP_TIMEOUT_SECONDS, MAX_MAP_CONCURRENCY, MAX_SIGNAL_NAME_LENGTH, MAX_WAIT_SECONDS, MAX_WAIT_TEXT,
  MULTIPART_METHODS, readHttpMultipartQuery, validateCron, writeBreakQuery, writeHttpMultipartQuery, writeHttpQuery,
  writeIfRowsQuery, writeMapQuery, writeScheduleQuery, writeSignalQuery, type MultipartPart,
} from './queries.js';
import { urlSchemeProblem } from './http-url.js';
import { describeJson, isPlainObject } from './json-text.js';
import type { ReadContext } from './read-failure.js';
import { readRetryPolicy } from './retry.js';
import { parseEnvelope, readEnvelope, type ReadResult } from './validate.js';

// What df.setvar/df.unsetvar/df.clearvars/df.signal ('OK') and df.await_instance (a terminal
// status) return. None of them is a valid SQL statement, so seeing one as a step means the
// helper ran while the workflow expression was being built instead of as a step.
const HELPER_RESULTS: ReadonlySet<string> = new Set(['OK', 'completed', 'failed', 'cancelled']);

/** Idempotent: an envelope passes through (canonicalised), any other text becomes a SQL node. */
export function sql(query: string): string {
  return toJson(workflowFromText(query));
}

export function seq(first: string, second: string): string {
  return finish({ node_type: 'THEN', left_node: workflowFromText(first), right_node: workflowFromText(second) });
}

/** Names the root of `fut`; a second name replaces the first. */
export function as(fut: string, name: string): string {
  checkResultName('df.as', name);
  return finish({ ...workflowFromText(fut), result_name: name });
}

export function join(a: string, b: string): string {
  return finish({ node_type: 'JOIN', left_node: workflowFromText(a), right_node: workflowFromText(b) });
}

/** Flat three-way JOIN, unlike `a & b & c` which nests. */
export function join3(a: string, b: string, c: string): string {
  return finish({ node_type: 'JOIN', left_node: workflowFromText(a), right_node: workflowFromText(b), extra_nodes: [workflowFromText(c)] });
}

export function race(a: string, b: string): string {
  return finish({ node_type: 'RACE', left_node: workflowFromText(a), right_node: workflowFromText(b) });
}

export function ifElse(condition: string, thenBranch: string, elseBranch: string): string {
  return finish({
    node_type: 'IF', left_node: workflowFromText(thenBranch), right_node: workflowFromText(elseBranch), condition_node: workflowFromText(condition),
  });
}

/** `cond ?> then`: an IF without right_node, which only completeIf accepts as an argument. */
export function partialIf(condition: string, thenBranch: string): string {
  return finish({ node_type: 'IF', left_node: workflowFromText(thenBranch), condition_node: workflowFromText(condition) });
}

/** `partial !> else`. */
export function completeIf(partial: string, elseBranch: string): string {
  const env = looksLikeEnvelope(partial) ? parseEnvelope(partial, { context: 'builder', allowPartialIfRoot: true }) : undefined;
  if (env === undefined || !isPartialIf(env)) throw new GraphError('Invalid if-then-else: left side of !> must be a ?> expression');
  return finish({ ...env, right_node: workflowFromText(elseBranch) });
}

/** IF whose condition is "the named result has at least one row"; it has no condition node. */
export function ifRows(resultName: string, thenBranch: string, elseBranch: string): string {
  checkResultName('df.if_rows', resultName);
  return finish({
    node_type: 'IF', left_node: workflowFromText(thenBranch), right_node: workflowFromText(elseBranch),
    query: writeIfRowsQuery({ result_name: resultName }),
  });
}

/** Without a condition the loop runs until a BREAK; with one it is a do-while. Not STRICT in SQL. */
export function loop(body: string | null, condition: string | null = null): string {
  if (body === null) throw new GraphError('df.loop() needs a body: got NULL');
  const env: Envelope = { node_type: 'LOOP', left_node: workflowFromText(body) };
  if (condition !== null) env.condition_node = workflowFromText(condition);
  return finish(env);
}

/**
 * Runs `body` once per row of the result of `items`, `$item` bound to that row. Not STRICT in
 * SQL, so that a NULL argument is named rather than turning the whole workflow into NULL.
 */
export function map(items: string | null, body: string | null, concurrency: number | null = 8, maxFailures: number | null = 0): string {
  if (items === null) throw new GraphError('df.map() needs items (a workflow whose result is a row set): got NULL');
  if (body === null) throw new GraphError('df.map() needs a body: got NULL');
  if (concurrency === null || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_MAP_CONCURRENCY) {
    throw new GraphError(`df.map: concurrency must be a whole number from 1 to ${MAX_MAP_CONCURRENCY}, got ${concurrency}`);
  }
  if (maxFailures === null || !Number.isInteger(maxFailures) || maxFailures < 0) {
    throw new GraphError(`df.map: max_failures must be 0 or more, got ${maxFailures}`);
  }
  return finish({
    node_type: 'MAP', left_node: workflowFromText(items), right_node: workflowFromText(body),
    query: writeMapQuery({ concurrency, max_failures: maxFailures }),
  });
}

/** The value is kept raw: substitution and JSON interpretation happen when the BREAK runs. */
export function brk(value: string | null = null): string {
  return toJson({ node_type: 'BREAK', query: writeBreakQuery({ break_value: value }) });
}

/** SQL passes the bigint as text, so that no digit is lost on the way. */
export function sleep(seconds: number | string): string {
  const given = quote(String(seconds).trim(), '');
  const whole = typeof seconds === 'number' ? Number.isInteger(seconds) : /^\s*-?[0-9]+\s*$/.test(seconds);
  if (!whole) throw new GraphError(`df.sleep seconds must be a whole number, got ${given}`);
  const n = Number(seconds);
  if (n < 0) throw new GraphError(`Sleep duration must be non-negative, got ${given}`);
  if (n > MAX_WAIT_SECONDS) {
    throw new GraphError(`df.sleep seconds must be at most ${MAX_WAIT_TEXT}, got ${given}: sleep in a df.loop to wait longer`);
  }
  return toJson({ node_type: 'SLEEP', query: String(n) }); // String(-0) is '0'
}

export function waitForSchedule(cron: string): string {
  validateCron(cron);
  return toJson({ node_type: 'WAIT_SCHEDULE', query: writeScheduleQuery({ cron_expr: cron }) });
}

export function waitForSignal(name: string | null, timeoutSeconds: number | null = null): string {
  if (name === null || name.trim() === '') throw new GraphError('Signal name cannot be empty');
  if (name.length > MAX_SIGNAL_NAME_LENGTH) {
    throw new GraphError(`df.wait_for_signal: signal name must be at most ${MAX_SIGNAL_NAME_LENGTH} characters, got ${quote(name)}`);
  }
  if (timeoutSeconds !== null && timeoutSeconds <= 0) throw new GraphError(`Timeout must be positive, got ${timeoutSeconds}`);
  if (timeoutSeconds !== null && !(Number.isInteger(timeoutSeconds) && timeoutSeconds >= 1 && timeoutSeconds <= MAX_WAIT_SECONDS)) {
    throw new GraphError(
      `df.wait_for_signal: timeout_seconds must be a whole number from 1 to ${MAX_WAIT_TEXT}, or NULL to wait forever, got ${timeoutSeconds}`,
    );
  }
  return toJson({ node_type: 'SIGNAL', query: writeSignalQuery({ signal_name: name, timeout_seconds: timeoutSeconds }) });
}

/** Attaches a retry policy to the root of `fut`; a second policy replaces the first. */
export function retry(fut: string, maxAttempts: number, delaySeconds = 1, backoff = 2, maxDelaySeconds = 300): string {
  const policy = readRetryPolicy({
    max_attempts: maxAttempts, delay_seconds: delaySeconds, backoff, max_delay_seconds: maxDelaySeconds,
  });
  return finish({ ...workflowFromText(fut), retry: policy });
}

/** df.http: the reference's checks and wordings first, then ours (timeout bound, header values). */
export function http(url: string | null, method: string | null, body: string | null, headers: unknown, timeoutSeconds: number | null): string {
  const common = httpCommon('df.http', url, method, headers, timeoutSeconds, HTTP_METHODS, (m) =>
    `Invalid HTTP method: ${m}. Must be GET, POST, PUT, DELETE, or PATCH`);
  return toJson({ node_type: 'HTTP', query: writeHttpQuery({ ...common, body }) });
}

export function httpMultipart(
  url: string | null, method: string | null, parts: unknown, headers: unknown, timeoutSeconds: number | null,
): string {
  const common = httpCommon('df.http_multipart', url, method, headers, timeoutSeconds, MULTIPART_METHODS, (m) =>
    `Invalid HTTP method for multipart: ${m}. Must be POST, PUT, or PATCH`);
  if (parts === null || parts === undefined) throw new GraphError('parts is required and cannot be NULL');
  if (!Array.isArray(parts)) throw new GraphError('parts must be a JSON array of part objects');
  if (parts.length === 0) throw new GraphError('parts must contain at least one part');
  const query = writeHttpMultipartQuery({ ...common, parts: parts as MultipartPart[] });
  readHttpMultipartQuery(query); // each part's shape, with the node reader's wording
  return toJson({ node_type: 'HTTP_MULTIPART', query });
}

function httpCommon(
  fn: string, url: string | null, method: string | null, headers: unknown, timeoutSeconds: number | null,
  methods: readonly string[], badMethod: (m: string) => string,
) {
  if (url === null || url === '') throw new GraphError(`${fn}: url must not be empty`);
  // A URL with a template reference is checked once it is resolved, when the step runs.
  if (!/[${]/.test(url)) {
    const problem = urlSchemeProblem(url);
    if (problem !== null) throw new GraphError(problem);
  }
  const upper = (method ?? '').toUpperCase();
  if (!methods.includes(upper)) throw new GraphError(badMethod(method ?? 'NULL'));
  if (timeoutSeconds === null || timeoutSeconds <= 0) throw new GraphError('Timeout must be positive');
  if (timeoutSeconds > MAX_HTTP_TIMEOUT_SECONDS) {
    throw new GraphError(`${fn}: timeout_seconds must be at most ${MAX_HTTP_TIMEOUT_SECONDS}, got ${timeoutSeconds}`);
  }
  if (headers !== null && headers !== undefined) {
    if (!isPlainObject(headers)) throw new GraphError(`${fn}: headers must be a JSON object of header names and string values`);
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') {
        throw new GraphError(`${fn}: the value of header ${quote(name)} must be a JSON string, got ${describeJson(value)}`);
      }
    }
  }
  return { url, method: upper, headers: (headers ?? null) as Record<string, string> | null, timeout_seconds: timeoutSeconds };
}

/**
 * Auto-wrap: envelope text is parsed strictly (a broken envelope errors), anything else is SQL.
 * Also df.start's first call with its argument (`context` 'start'), which SQL may pass as NULL
 * (df.start is not STRICT): an unfinished `?>` and a missing workflow are rejected here.
 */
export function workflowFromText(arg: string | null | undefined, context: 'builder' | 'start' = 'builder'): Envelope {
  if (arg === null || arg === undefined) throw new GraphError('df.start() needs a workflow: got NULL');
  return looksLikeEnvelope(arg) ? parseEnvelope(arg, { context }) : sqlNode(arg, context);
}

/** workflowFromText for a reader that words failures itself (df.explain); SQL text is one step. */
export function readWorkflow(text: string, context: ReadContext): ReadResult {
  return looksLikeEnvelope(text) ? readEnvelope(text, { context }) : { envelope: sqlNode(text, 'builder') };
}

// SQL never starts with `{`, so such text mentioning node_type can only be a (maybe broken)
// envelope; other JSON objects are left to fail as SQL, as the spec's auto-wrap rule says.
function looksLikeEnvelope(text: string): boolean {
  return /^\s*\{/.test(text) && text.includes('"node_type"');
}

function sqlNode(query: string, context: 'builder' | 'start'): Envelope {
  // df.start words what is wrong with its argument itself as the reference does.
  const prefix = context === 'start' ? 'Invalid durable function: ' : '';
  if (HELPER_RESULTS.has(query)) {
    throw new GraphError(
      `${prefix}df.setvar(), df.unsetvar(), df.clearvars(), df.signal() and df.await_instance() cannot be called inside a ` +
        `workflow ('${query}' is what one of them returned): they run at once, so call them before df.start()`,
    );
  }
  if (query.trim() === '') throw new GraphError(`${prefix}a SQL step must not be empty`);
  return { node_type: 'SQL', query };
}

/** `df.as: result name '1x' is not a valid identifier — …`, as the reference words it. */
function checkResultName(builder: string, name: string): void {
  const problem = resultNameMessage(name);
  if (problem !== null) throw new GraphError(`${builder}: ${problem}`);
}

/**
 * Composing may push a graph past the node limit even when every operand was within it. The
 * depth is not bounded here: the builders only build JSON; df.start refuses a graph nested
 * too deep, and df.explain says so.
 */
function finish(env: Envelope): string {
  if (countNodes(env) > MAX_NODES) throw new GraphError(NODE_COUNT_MESSAGE);
  return toJson(env);
}
