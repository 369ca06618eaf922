// The workflow envelope (spec section 3): a tree of nodes as nested JSON objects.
// This module holds the types, the limits and the canonical serialisation; parsing and
// validation of untrusted text live in validate.ts.

export const NODE_TYPES = ['SQL', 'THEN', 'IF', 'JOIN', 'LOOP', 'BREAK', 'RACE', 'SLEEP', 'WAIT_SCHEDULE', 'HTTP', 'HTTP_MULTIPART', 'SIGNAL', 'MAP'] as const;
export type NodeType = typeof NODE_TYPES[number];

export interface RetryPolicy {
  max_attempts: number;
  delay_seconds: number;
  backoff: number;
  max_delay_seconds: number;
}

/**
 * Child roles: THEN left→right; IF condition_node, left_node = then, right_node = else;
 * JOIN/RACE left, right, extras = branches; LOOP left_node = body, condition_node = while;
 * MAP left_node = items, right_node = body (run once per item).
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

/**
 * How far below its root a node may sit, counted as the reference counts it: the root is at
 * depth 0, so a step wrapped in 256 THENs (or loops, ifs …) is at depth 256 and is accepted,
 * and one wrapped 257 times is not. df.start and df.explain enforce it; the builders only
 * build JSON and do not.
 */
export const MAX_DEPTH = 256;
export const MAX_NODES = 10000;

// The reference's wordings (scripts match on them): the graph messages follow
// `Invalid durable function graph: <where>: ` (see validate.ts).
export const DEPTH_MESSAGE =
  `Graph exceeds maximum nesting depth of ${MAX_DEPTH}. Simplify the workflow or break it into multiple instances.`;
export const NODE_COUNT_MESSAGE =
  `Workflow exceeds maximum node count of ${MAX_NODES}. Simplify the workflow or break it into multiple instances.`;

export function unknownNodeTypeMessage(nodeType: string): string {
  return `Unknown node_type ${quote(nodeType, "'")}. Valid types: ${NODE_TYPES.join(', ')}`;
}

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

/** What is wrong with a result name, in the reference's words where it has them, or null. */
export function resultNameMessage(name: string): string | null {
  if (name === '') return 'result name cannot be empty';
  if (name.length > MAX_RESULT_NAME_LENGTH) {
    return `result name ${quote(name, "'")} must be at most ${MAX_RESULT_NAME_LENGTH} characters long`;
  }
  if (RESULT_NAME_PATTERN.test(name)) return null;
  return `result name ${quote(name, "'")} is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*`;
}

export const INCOMPLETE_IF_MESSAGE = 'incomplete ?> expression: add !> else-branch';

const RETRY_KEYS = ['max_attempts', 'delay_seconds', 'backoff', 'max_delay_seconds'];
const CHILD_KEYS = ['left_node', 'right_node', 'condition_node'] as const;

/**
 * Canonical JSON: keys in a fixed order (node_type, left_node, right_node, condition_node,
 * extra_nodes, query, result_name, retry), absent keys left out, so identical DSL yields
 * byte-identical JSON. Written iteratively: the builders do not bound the depth, and
 * JSON.stringify recurses (a few thousand levels exhaust its stack).
 */
export function toJson(root: Envelope): string {
  const out: string[] = [];
  // Text to write and nodes still to expand; the last pushed is written first.
  const todo: Array<Envelope | string> = [root];
  for (let item = todo.pop(); item !== undefined; item = todo.pop()) {
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const parts: Array<Envelope | string> = [`{"node_type":${JSON.stringify(item.node_type)}`];
    for (const key of CHILD_KEYS) {
      const child = item[key];
      if (child !== undefined && child !== null) parts.push(`,"${key}":`, child);
    }
    if (item.extra_nodes !== undefined && item.extra_nodes !== null) {
      parts.push(',"extra_nodes":[');
      item.extra_nodes.forEach((child, i) => {
        if (i > 0) parts.push(',');
        parts.push(child);
      });
      parts.push(']');
    }
    if (item.query !== undefined) parts.push(`,"query":${JSON.stringify(item.query)}`);
    if (item.result_name !== undefined) parts.push(`,"result_name":${JSON.stringify(item.result_name)}`);
    if (item.retry !== undefined) parts.push(`,"retry":${JSON.stringify(item.retry, RETRY_KEYS)}`);
    parts.push('}');
    for (let i = parts.length - 1; i >= 0; i -= 1) todo.push(parts[i] as Envelope | string);
  }
  return out.join('');
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

/** Iterative, so any tree that fits in memory can be counted. */
export function countNodes(root: Envelope): number {
  let count = 0;
  const stack: Envelope[] = [root];
  for (let env = stack.pop(); env !== undefined; env = stack.pop()) {
    count += 1;
    for (const child of childrenOf(env)) stack.push(child);
  }
  return count;
}
