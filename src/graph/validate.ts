// Parsing and full validation of envelope text from untrusted callers. The walk is iterative
// and the JSON nesting is bounded before JSON.parse runs, so hostile input (100,000 nested
// arrays, huge graphs) ends in a clear GraphError, never a stack overflow.

import {
  checkLimits, GraphError, INCOMPLETE_IF_MESSAGE, MAX_DEPTH, NODE_TYPES, quote, resultNameProblem,
  type Envelope, type NodeType, type RetryPolicy,
} from './envelope.js';
import { isPlainObject, jsonNestingDepth, parseJson } from './json-text.js';
import {
  describeValue, readBreakQuery, readHttpQuery, readIfRowsQuery, readScheduleQuery, readSignalQuery, readSleepSeconds,
} from './queries.js';

export interface ParseOptions {
  /** Builders accept `cond ?> then` as the left operand of `!>`; df.start never does. */
  allowPartialIfRoot?: boolean;
}

// Each envelope level costs at most an object plus the extra_nodes array, and the deepest
// leaf may carry a retry object: anything nested deeper cannot be a valid envelope.
const MAX_JSON_NESTING = 2 * MAX_DEPTH;

type ChildKey = 'left_node' | 'right_node' | 'condition_node' | 'extra_nodes';
const CHILD_KEYS: readonly ChildKey[] = ['left_node', 'right_node', 'condition_node', 'extra_nodes'];
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([...CHILD_KEYS, 'node_type', 'query', 'result_name', 'retry']);

type Presence = 'required' | 'optional' | 'forbidden';
type Shape = Record<ChildKey | 'query', Presence>;

const LEAF: Shape = { left_node: 'forbidden', right_node: 'forbidden', condition_node: 'forbidden', extra_nodes: 'forbidden', query: 'required' };
const BINARY: Shape = { left_node: 'required', right_node: 'required', condition_node: 'forbidden', extra_nodes: 'forbidden', query: 'forbidden' };

// IF is loose here because its two forms (condition node, or if_rows query) and the partial
// form are told apart in checkIf.
const SHAPES: Record<NodeType, Shape> = {
  SQL: LEAF, BREAK: LEAF, SLEEP: LEAF, WAIT_SCHEDULE: LEAF, HTTP: LEAF, SIGNAL: LEAF,
  THEN: BINARY,
  RACE: BINARY,
  JOIN: { ...BINARY, extra_nodes: 'optional' },
  LOOP: { ...BINARY, right_node: 'forbidden', condition_node: 'optional' },
  IF: { left_node: 'required', right_node: 'optional', condition_node: 'optional', extra_nodes: 'forbidden', query: 'optional' },
};

const QUERY_READERS: Partial<Record<NodeType, (query: string) => unknown>> = {
  SLEEP: readSleepSeconds,
  WAIT_SCHEDULE: readScheduleQuery,
  SIGNAL: readSignalQuery,
  BREAK: readBreakQuery,
  HTTP: readHttpQuery,
};

interface Frame {
  raw: unknown;
  depth: number;
  parent: Frame | null;
  /** How the parent reaches this node, for error paths: `left_node`, `extra_nodes[2]`. */
  step: string;
  attach(env: Envelope): void;
}

export function parseEnvelope(text: string, options: ParseOptions = {}): Envelope {
  const nesting = jsonNestingDepth(text);
  if (nesting > MAX_JSON_NESTING) {
    throw new GraphError(
      `workflow nesting depth exceeds the limit of ${MAX_DEPTH} (the JSON is nested ${nesting} levels deep)`,
    );
  }
  return buildTree(parseJson(text, 'workflow envelope'), options);
}

function buildTree(parsed: unknown, options: ParseOptions): Envelope {
  let root: Envelope | undefined;
  let count = 0;
  let depth = 0;
  const stack: Frame[] = [{ raw: parsed, depth: 1, parent: null, step: '', attach: (env) => { root = env; } }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    count += 1;
    if (frame.depth > depth) depth = frame.depth;
    const env = readNode(frame, options);
    frame.attach(env);
    pushChildren(frame, env, stack);
  }
  checkLimits({ depth, count });
  return root as Envelope;
}

/** Validates one node's own fields; its children are validated when their frames are popped. */
function readNode(frame: Frame, options: ParseOptions): Envelope {
  const raw = frame.raw;
  if (!isPlainObject(raw)) {
    throw failAt(frame, `a workflow node must be a JSON object with node_type, got ${describeValue(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (!ENVELOPE_KEYS.has(key)) throw failAt(frame, `unknown key ${quote(key, "'")} in workflow node`);
  }
  const nodeType = raw.node_type;
  if (typeof nodeType !== 'string') throw failAt(frame, `node_type must be a string, got ${describeValue(nodeType)}`);
  if (!(NODE_TYPES as readonly string[]).includes(nodeType)) throw failAt(frame, `Unknown node_type ${quote(nodeType, "'")}`);
  const type = nodeType as NodeType;
  const env: Envelope = { node_type: type };
  const shape = SHAPES[type];

  for (const key of CHILD_KEYS) {
    const present = isPresent(raw[key]);
    if (shape[key] === 'required' && !present) throw failAt(frame, `${type} node requires ${key}`);
    if (shape[key] === 'forbidden' && present) throw failAt(frame, `${type} node must not have ${key}`);
  }

  const query = raw.query ?? undefined;
  if (query !== undefined) {
    if (shape.query === 'forbidden') throw failAt(frame, `${type} node must not have a query`);
    if (typeof query !== 'string') throw failAt(frame, `query of ${type} node must be a string, got ${describeValue(query)}`);
    env.query = query;
  } else if (shape.query === 'required') {
    throw failAt(frame, `${type} node requires a query`);
  }
  if (type === 'SQL' && (query as string).trim() === '') throw failAt(frame, 'SQL node has an empty query');
  const reader = QUERY_READERS[type];
  if (reader) attempt(frame, () => reader(query as string));
  if (type === 'IF') checkIf(frame, raw, options);

  const name = raw.result_name ?? undefined;
  if (name !== undefined) {
    if (typeof name !== 'string') throw failAt(frame, `result_name must be a string, got ${describeValue(name)}`);
    const problem = resultNameProblem(name);
    if (problem !== null) throw failAt(frame, `result_name ${quote(name)} ${problem}`);
    env.result_name = name;
  }
  const retry = raw.retry ?? undefined;
  if (retry !== undefined) env.retry = attempt(frame, () => readRetryPolicy(retry));
  return env;
}

function checkIf(frame: Frame, raw: Record<string, unknown>, options: ParseOptions): void {
  const hasCondition = isPresent(raw.condition_node);
  const hasQuery = isPresent(raw.query);
  if (hasCondition && hasQuery) throw failAt(frame, 'IF node has both condition_node and a query');
  if (!hasCondition && !hasQuery) {
    throw failAt(frame, 'IF node requires condition_node (or an if_rows query)');
  }
  if (!hasCondition) attempt(frame, () => readIfRowsQuery(raw.query as string));
  if (!isPresent(raw.right_node)) {
    const partialAllowed = hasCondition && frame.parent === null && options.allowPartialIfRoot === true;
    if (!partialAllowed) throw failAt(frame, hasCondition ? INCOMPLETE_IF_MESSAGE : 'IF node requires right_node');
  }
}

function pushChildren(frame: Frame, env: Envelope, stack: Frame[]): void {
  const raw = frame.raw as Record<string, unknown>;
  const depth = frame.depth + 1;
  // Pushed in reverse so that they are validated (and errors reported) in canonical order.
  const extras = raw.extra_nodes;
  if (isPresent(extras)) {
    if (!Array.isArray(extras)) throw failAt(frame, `extra_nodes must be an array, got ${describeValue(extras)}`);
    const branches: Envelope[] = new Array<Envelope>(extras.length);
    env.extra_nodes = branches;
    for (let i = extras.length - 1; i >= 0; i -= 1) {
      if (!isPlainObject(extras[i])) throw failAt(frame, 'extra_nodes entries must be Durofut JSON objects');
      stack.push({ raw: extras[i], depth, parent: frame, step: `extra_nodes[${i}]`, attach: (c) => { branches[i] = c; } });
    }
  }
  for (const key of ['condition_node', 'right_node', 'left_node'] as const) {
    if (isPresent(raw[key])) {
      stack.push({ raw: raw[key], depth, parent: frame, step: key, attach: (c) => { env[key] = c; } });
    }
  }
}

/**
 * Retry bounds. The wait before attempt n + 1 is min(delay_seconds × backoff^(n − 1),
 * max_delay_seconds), and these bounds keep it a finite number from 0 to one year for every
 * attempt number, so the next attempt time is always a valid date:
 * - max_attempts ≤ 1,000 is plenty for transient failures and bounds the work one step causes;
 * - backoff ≥ 1 and max_delay_seconds ≥ delay_seconds: no wait is shorter than the first;
 *   a backoff above 10 reaches the cap within a few attempts, so it only hides mistakes;
 * - max_delay_seconds ≤ one year caps a power that overflows to Infinity (a positive delay
 *   times Infinity is Infinity, which the cap turns into max_delay_seconds);
 * - a delay below 0.1 s, 0 included (retry at once), is allowed for at most 10 attempts: a step
 *   that keeps failing cannot keep a worker busy with back-to-back attempts, and 0 × backoff^9
 *   cannot overflow into 0 × Infinity = NaN.
 */
const RETRY_LIMITS = {
  maxAttempts: 1000,
  maxBackoff: 10,
  maxDelaySeconds: 31_536_000,
  shortDelaySeconds: 0.1,
  maxAttemptsWithShortDelay: 10,
} as const;
const ONE_YEAR = `${RETRY_LIMITS.maxDelaySeconds} (1 year)`;

export function readRetryPolicy(raw: unknown): RetryPolicy {
  if (!isPlainObject(raw)) throw new GraphError(`retry must be an object, got ${describeValue(raw)}`);
  const allowed = ['max_attempts', 'delay_seconds', 'backoff', 'max_delay_seconds'];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new GraphError(`unknown key ${quote(key, "'")} in retry`);
  }
  const { max_attempts: attempts, delay_seconds: delay, backoff, max_delay_seconds: maxDelay } = raw;
  if (!(typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 1 && attempts <= RETRY_LIMITS.maxAttempts)) {
    throw new GraphError(`retry max_attempts must be a whole number from 1 to ${RETRY_LIMITS.maxAttempts}, got ${describeValue(attempts)}`);
  }
  const delaySeconds = numberIn('delay_seconds', delay, 0, RETRY_LIMITS.maxDelaySeconds, ONE_YEAR);
  const policy: RetryPolicy = {
    max_attempts: attempts,
    delay_seconds: delaySeconds,
    backoff: numberIn('backoff', backoff, 1, RETRY_LIMITS.maxBackoff, String(RETRY_LIMITS.maxBackoff)),
    max_delay_seconds: numberIn(
      'max_delay_seconds', maxDelay, delaySeconds, RETRY_LIMITS.maxDelaySeconds, ONE_YEAR, `delay_seconds (${delaySeconds})`,
    ),
  };
  if (delaySeconds < RETRY_LIMITS.shortDelaySeconds && attempts > RETRY_LIMITS.maxAttemptsWithShortDelay) {
    throw new GraphError(
      `retry delay_seconds ${delaySeconds} is too short for max_attempts ${attempts}: a delay below ` +
        `${RETRY_LIMITS.shortDelaySeconds} s is allowed for at most ${RETRY_LIMITS.maxAttemptsWithShortDelay} attempts, ` +
        'so that a failing step cannot keep a worker busy; use a longer delay or fewer attempts',
    );
  }
  return policy;
}

/** A finite number from `min` to `max`; the texts say how each bound reads in the message. */
function numberIn(field: string, value: unknown, min: number, max: number, maxText: string, minText = String(min)): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new GraphError(`retry ${field} must be a number from ${minText} to ${maxText}, got ${describeValue(value)}`);
  }
  return value;
}

/** JSON null counts as absent, and so does an empty extra_nodes array. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** Runs a field reader and re-throws its GraphError with the node's location. */
function attempt<T>(frame: Frame, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof GraphError) throw failAt(frame, e.message);
    throw e;
  }
}

function failAt(frame: Frame, message: string): GraphError {
  const steps: string[] = [];
  for (let f: Frame | null = frame; f !== null && f.parent !== null; f = f.parent) steps.push(f.step);
  return new GraphError(steps.length === 0 ? message : `${message} (at ${steps.reverse().join('.')})`);
}
