// Parsing and full validation of envelope text from untrusted callers. The walk is iterative
// and the JSON nesting is bounded before JSON.parse runs, so hostile input (100,000 nested
// arrays, huge graphs) ends in a clear GraphError, never a stack overflow. Nodes are checked
// in preorder, each before its children, like the reference's df.start; a failure names the
// node (read-failure.ts says how each reader words it).

import {
  DEPTH_MESSAGE, GraphError, INCOMPLETE_IF_MESSAGE, MAX_DEPTH, MAX_NODES, NODE_COUNT_MESSAGE, NODE_TYPES, quote,
  resultNameMessage, unknownNodeTypeMessage, type Envelope, type NodeType,
} from './envelope.js';
import { findNodeBelow } from './deep-node.js';
import { isPlainObject, jsonNestingDepth } from './json-text.js';
import {
  describeValue, readBreakQuery, readHttpMultipartQuery, readHttpQuery, readIfRowsQuery, readMapQuery, readScheduleQuery, readSignalQuery,
  readSleepSeconds,
} from './queries.js';
import { ReadFailure, ROOT, type ReadContext } from './read-failure.js';
import { readRetryPolicy } from './retry.js';

export interface ParseOptions {
  /** Who reads (default df.start): it decides the depth limit and the wording of failures. */
  context?: ReadContext;
  /** Builders accept `cond ?> then` as the left operand of `!>`; df.start never does. */
  allowPartialIfRoot?: boolean;
}

export type ReadResult = { envelope: Envelope; failure?: undefined } | { envelope?: undefined; failure: ReadFailure };

// The deepest JSON nesting a valid envelope can have: an object per node on the longest path,
// an extra_nodes array between each node and the one below it, and a retry object at the
// bottom. A graph within the depth limit has at most MAX_DEPTH + 1 nodes on a path; a graph a
// builder may compose, at most MAX_NODES.
const maxJsonNesting = (nodesOnPath: number): number => 2 * nodesOnPath;

type ChildKey = 'left_node' | 'right_node' | 'condition_node' | 'extra_nodes';
const CHILD_KEYS: readonly ChildKey[] = ['left_node', 'right_node', 'condition_node', 'extra_nodes'];
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([...CHILD_KEYS, 'node_type', 'query', 'result_name', 'retry']);
/** How a path names the child a node holds (`root.left`), as the reference writes it. */
const SEGMENTS = { left_node: 'left', right_node: 'right', condition_node: 'condition_node' } as const;

type Presence = 'required' | 'optional' | 'forbidden';
type Shape = Record<ChildKey | 'query', Presence>;

const LEAF: Shape = { left_node: 'forbidden', right_node: 'forbidden', condition_node: 'forbidden', extra_nodes: 'forbidden', query: 'required' };
const BINARY: Shape = { left_node: 'required', right_node: 'required', condition_node: 'forbidden', extra_nodes: 'forbidden', query: 'forbidden' };

// IF is loose here because its two forms (condition node, or if_rows query) and the partial
// form are told apart in checkIf.
const SHAPES: Record<NodeType, Shape> = {
  SQL: LEAF, BREAK: LEAF, SLEEP: LEAF, WAIT_SCHEDULE: LEAF, HTTP: LEAF, HTTP_MULTIPART: LEAF, SIGNAL: LEAF,
  THEN: BINARY,
  RACE: BINARY,
  JOIN: { ...BINARY, extra_nodes: 'optional' },
  LOOP: { ...BINARY, right_node: 'forbidden', condition_node: 'optional' },
  IF: { left_node: 'required', right_node: 'optional', condition_node: 'optional', extra_nodes: 'forbidden', query: 'optional' },
  MAP: { ...BINARY, query: 'required' },
};

const QUERY_READERS: Partial<Record<NodeType, (query: string) => unknown>> = {
  SLEEP: readSleepSeconds,
  WAIT_SCHEDULE: readScheduleQuery,
  SIGNAL: readSignalQuery,
  BREAK: readBreakQuery,
  HTTP: readHttpQuery,
  HTTP_MULTIPART: readHttpMultipartQuery,
  MAP: readMapQuery,
};

interface Frame {
  raw: unknown;
  /** Levels below the root: the root is at depth 0. */
  depth: number;
  parent: Frame | null;
  /** How the parent reaches this node: `left`, `extra_nodes[2]` (`root` for the root). */
  step: string;
  attach(env: Envelope): void;
}

/** The envelope `text` holds; throws a GraphError worded for `options.context`. */
export function parseEnvelope(text: string, options: ParseOptions = {}): Envelope {
  const result = readEnvelope(text, options);
  if (result.failure !== undefined) throw new GraphError(result.failure.text(options.context ?? 'start'));
  return result.envelope;
}

/** The envelope `text` holds, or why it holds none (for callers that word it themselves). */
export function readEnvelope(text: string, options: ParseOptions = {}): ReadResult {
  try {
    return { envelope: new Reader(options).read(text) };
  } catch (e) {
    if (e instanceof ReadFailure) return { failure: e };
    throw e;
  }
}

class Reader {
  /** Null for the builders: only df.start runs a graph, and df.explain shows what it would run. */
  private readonly maxDepth: number | null;
  private readonly allowPartialIfRoot: boolean;

  constructor(options: ParseOptions) {
    this.maxDepth = (options.context ?? 'start') === 'builder' ? null : MAX_DEPTH;
    this.allowPartialIfRoot = options.allowPartialIfRoot === true;
  }

  read(text: string): Envelope {
    const nesting = jsonNestingDepth(text);
    const limit = maxJsonNesting(this.maxDepth === null ? MAX_NODES : this.maxDepth + 1);
    if (nesting > limit) {
      const tooDeep = this.maxDepth === null ? null : findNodeBelow(text, this.maxDepth);
      if (tooDeep !== null) throw new ReadFailure('graph', tooDeep, DEPTH_MESSAGE);
      throw new ReadFailure('syntax', ROOT, `the JSON is nested ${nesting} levels deep, deeper than any workflow within the limits (${limit})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ReadFailure('syntax', ROOT, (e as Error).message);
    }
    return this.walk(parsed);
  }

  private walk(parsed: unknown): Envelope {
    let root: Envelope | undefined;
    let discovered = 1;
    const stack: Frame[] = [{ raw: parsed, depth: 0, parent: null, step: ROOT, attach: (env) => { root = env; } }];
    for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
      if (this.maxDepth !== null && frame.depth > this.maxDepth) throw failAt(frame, DEPTH_MESSAGE);
      const env = this.readNode(frame);
      frame.attach(env);
      discovered = pushChildren(frame, env, stack, discovered);
    }
    return root as Envelope;
  }

  /** Validates one node's own fields; its children are validated when their frames are popped. */
  private readNode(frame: Frame): Envelope {
    const raw = frame.raw;
    if (!isPlainObject(raw)) {
      throw failAt(frame, `a workflow node must be a JSON object with node_type, got ${describeValue(raw)}`, 'shape');
    }
    const nodeType = raw.node_type;
    if (typeof nodeType !== 'string') throw failAt(frame, `node_type must be a string, got ${describeValue(nodeType)}`, 'shape');
    if (!(NODE_TYPES as readonly string[]).includes(nodeType)) throw failAt(frame, unknownNodeTypeMessage(nodeType), 'type');
    const type = nodeType as NodeType;
    checkFieldTypes(frame, raw, type);
    for (const key of Object.keys(raw)) {
      if (!ENVELOPE_KEYS.has(key)) throw failAt(frame, `unknown key ${quote(key, "'")} in workflow node`);
    }
    const env: Envelope = { node_type: type };
    const shape = SHAPES[type];

    for (const key of CHILD_KEYS) {
      const present = isPresent(raw[key]);
      if (shape[key] === 'required' && !present) throw failAt(frame, `${type} node requires ${key}`);
      if (shape[key] === 'forbidden' && present) {
        // The reference's wording for these two; left_node and right_node have none there.
        const message = key === 'condition_node' || key === 'extra_nodes' ? `${key} is not valid for ${type} nodes` : `${type} node must not have ${key}`;
        throw failAt(frame, message);
      }
    }

    const query = raw.query ?? undefined;
    if (query !== undefined) {
      if (shape.query === 'forbidden') throw failAt(frame, `${type} node must not have a query`);
      env.query = query as string;
    } else if (shape.query === 'required') {
      throw failAt(frame, `${type} node requires a query`);
    }
    if (type === 'SQL' && (query as string).trim() === '') throw failAt(frame, 'SQL node has an empty query');
    const reader = QUERY_READERS[type];
    if (reader) attempt(frame, () => reader(query as string));
    if (type === 'IF') this.checkIf(frame, raw);

    const name = raw.result_name ?? undefined;
    if (name !== undefined) {
      const problem = resultNameMessage(name as string);
      if (problem !== null) throw failAt(frame, problem);
      env.result_name = name as string;
    }
    const retry = raw.retry ?? undefined;
    if (retry !== undefined) env.retry = attempt(frame, () => readRetryPolicy(retry));
    return env;
  }

  private checkIf(frame: Frame, raw: Record<string, unknown>): void {
    const hasCondition = isPresent(raw.condition_node);
    const hasQuery = isPresent(raw.query);
    if (hasCondition && hasQuery) throw failAt(frame, 'IF node has both condition_node and a query');
    if (!hasCondition && !hasQuery) {
      throw failAt(frame, 'IF node requires condition_node (or an if_rows query)');
    }
    if (!hasCondition) attempt(frame, () => readIfRowsQuery(raw.query as string));
    if (!isPresent(raw.right_node)) {
      const partialAllowed = hasCondition && frame.parent === null && this.allowPartialIfRoot;
      if (!partialAllowed) throw failAt(frame, hasCondition ? INCOMPLETE_IF_MESSAGE : 'IF node requires right_node');
    }
  }
}

/**
 * Fields of the wrong JSON type: what the reference fails to deserialize, in its words where
 * it has them. A child that is not an object is the parent's fault, as there.
 */
function checkFieldTypes(frame: Frame, raw: Record<string, unknown>, type: NodeType): void {
  const malformed = (message: string): ReadFailure => failAt(frame, message, 'shape', type);
  for (const key of ['left_node', 'right_node'] as const) {
    if (raw[key] != null && !isPlainObject(raw[key])) throw malformed('Durofut children must be JSON objects');
  }
  if (raw.condition_node != null && !isPlainObject(raw.condition_node)) throw malformed('condition_node must be a Durofut JSON object');
  const extras = raw.extra_nodes;
  if (extras != null) {
    if (!Array.isArray(extras)) throw malformed(`extra_nodes must be an array, got ${describeValue(extras)}`);
    if (!extras.every(isPlainObject)) throw malformed('extra_nodes entries must be Durofut JSON objects');
  }
  if (raw.query != null && typeof raw.query !== 'string') {
    throw malformed(`query of ${type} node must be a string, got ${describeValue(raw.query)}`);
  }
  if (raw.result_name != null && typeof raw.result_name !== 'string') {
    throw malformed(`result_name must be a string, got ${describeValue(raw.result_name)}`);
  }
}

/**
 * Pushes the node's children, counting each as it is found (as the reference counts, so that
 * the 10,001st node is the one named), and returns the new count.
 */
function pushChildren(frame: Frame, env: Envelope, stack: Frame[], discovered: number): number {
  const raw = frame.raw as Record<string, unknown>;
  const depth = frame.depth + 1;
  const children: Frame[] = [];
  const add = (child: Frame): void => {
    if (discovered + children.length + 1 > MAX_NODES) throw failAt(child, NODE_COUNT_MESSAGE);
    children.push(child);
  };
  for (const key of ['left_node', 'right_node', 'condition_node'] as const) {
    if (isPresent(raw[key])) {
      add({ raw: raw[key], depth, parent: frame, step: SEGMENTS[key], attach: (c) => { env[key] = c; } });
    }
  }
  const extras = raw.extra_nodes;
  if (isPresent(extras)) {
    const entries = extras as unknown[];
    const branches: Envelope[] = new Array<Envelope>(entries.length);
    env.extra_nodes = branches;
    entries.forEach((entry, i) => {
      add({ raw: entry, depth, parent: frame, step: `extra_nodes[${i}]`, attach: (c) => { branches[i] = c; } });
    });
  }
  // Pushed in reverse so that they are validated (and errors reported) in canonical order.
  for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i] as Frame);
  return discovered + children.length;
}

/** JSON null counts as absent, and so does an empty extra_nodes array. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** Runs a field reader and re-throws its GraphError as a failure of the node. */
function attempt<T>(frame: Frame, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof GraphError) throw failAt(frame, e.message);
    throw e;
  }
}

function failAt(frame: Frame, message: string, kind: 'shape' | 'type' | 'graph' = 'graph', nodeType: string | null = null): ReadFailure {
  const steps: string[] = [];
  for (let f: Frame | null = frame; f !== null; f = f.parent) steps.push(f.step);
  return new ReadFailure(kind, steps.reverse().join('.'), message, nodeType);
}
