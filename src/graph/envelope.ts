// The workflow envelope (spec section 3): a tree of nodes as nested JSON objects.
// This module holds the types, the limits and the canonical serialisation; parsing and
// validation of untrusted text live in validate.ts.

export const NODE_TYPES = ['SQL', 'THEN', 'IF', 'JOIN', 'LOOP', 'BREAK', 'RACE', 'SLEEP', 'WAIT_SCHEDULE', 'HTTP', 'SIGNAL'] as const;
export type NodeType = typeof NODE_TYPES[number];

export interface RetryPolicy {
  max_attempts: number;
  delay_seconds: number;
  backoff: number;
  max_delay_seconds: number;
}

/**
 * Child roles: THEN left→right; IF condition_node, left_node = then, right_node = else;
 * JOIN/RACE left, right, extras = branches; LOOP left_node = body, condition_node = while.
 */
export interface Envelope {
  node_type: NodeType;
  left_node?: Envelope;
  right_node?: Envelope;
  condition_node?: Envelope;
  extra_nodes?: Envelope[];
  query?: string;
  result_name?: string;
  retry?: RetryPolicy;
}

// The engine's error classes keep Error's own name: plv8 reports an uncaught error as
// String(error) less a leading 'Error: ', so the message reads like PostgreSQL's own.
export class GraphError extends Error {}

/** Longest root-to-leaf path, counted in nodes (a lone SQL node has depth 1). */
export const MAX_DEPTH = 256;
export const MAX_NODES = 10000;

const RESULT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The PostgreSQL identifier limit (NAMEDATALEN − 1), since result names read like identifiers. */
const MAX_RESULT_NAME_LENGTH = 63;

// Error messages quote what the caller gave; a quote cut to this length keeps a message about
// a megabyte-long string readable.
const QUOTE_LENGTH = 60;

/**
 * `text` for an error message: in double quotes as a JSON string literal, else as is between
 * `mark`s (single quotes name keys and node types, none show a number the caller typed); cut
 * after QUOTE_LENGTH characters, with the full length after the closing mark.
 */
export function quote(text: string, mark: '"' | "'" | '' = '"'): string {
  const shown = text.length <= QUOTE_LENGTH ? text : text.slice(0, QUOTE_LENGTH);
  const quoted = mark === '"' ? JSON.stringify(shown) : `${mark}${shown}${mark}`;
  return shown === text ? quoted : `${quoted}… (${text.length} characters)`;
}

/** What is wrong with a result name, as a phrase for an error message, or null if nothing. */
export function resultNameProblem(name: string): string | null {
  if (name.length > MAX_RESULT_NAME_LENGTH) return `must be at most ${MAX_RESULT_NAME_LENGTH} characters long`;
  return RESULT_NAME_PATTERN.test(name) ? null : 'is not a valid identifier';
}

export const INCOMPLETE_IF_MESSAGE = 'incomplete ?> expression: add !> else-branch';

// A replacer array fixes the key order of every object JSON.stringify writes (envelopes and
// retry policies alike) and drops absent keys, so identical DSL yields byte-identical JSON.
const CANONICAL_KEYS = [
  'node_type', 'left_node', 'right_node', 'condition_node', 'extra_nodes', 'query', 'result_name', 'retry',
  'max_attempts', 'delay_seconds', 'backoff', 'max_delay_seconds',
];

export function toJson(env: Envelope): string {
  return JSON.stringify(env, CANONICAL_KEYS);
}

/** A `cond ?> then` awaiting its `!> else`: an IF with a condition but no else-branch. */
export function isPartialIf(env: Envelope): boolean {
  return env.node_type === 'IF' && env.condition_node !== undefined && env.right_node === undefined;
}

/** Children in canonical order: left, right, condition, extras. */
function childrenOf(env: Envelope): Envelope[] {
  const children: Envelope[] = [];
  if (env.left_node) children.push(env.left_node);
  if (env.right_node) children.push(env.right_node);
  if (env.condition_node) children.push(env.condition_node);
  if (env.extra_nodes) children.push(...env.extra_nodes);
  return children;
}

export interface GraphSize {
  depth: number;
  count: number;
}

/** Iterative, so any tree that fits in memory can be measured. */
export function measure(root: Envelope): GraphSize {
  let depth = 0;
  let count = 0;
  const stack: Array<[Envelope, number]> = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [env, level] = top;
    count += 1;
    if (level > depth) depth = level;
    for (const child of childrenOf(env)) stack.push([child, level + 1]);
  }
  return { depth, count };
}

export function checkLimits(size: GraphSize): void {
  if (size.depth > MAX_DEPTH) {
    throw new GraphError(`workflow nesting depth ${size.depth} exceeds the limit of ${MAX_DEPTH}`);
  }
  if (size.count > MAX_NODES) {
    throw new GraphError(`workflow has ${size.count} nodes, more than the limit of ${MAX_NODES}`);
  }
}
