// The nesting limit as the reference counts it: the root is at depth 0, so a step wrapped 256
// times (at depth 256) is accepted and one wrapped 257 times is not. df.start and df.explain
// enforce it, naming the first node past the limit; the builders only build JSON and do not.
import { describe, expect, it } from 'vitest';
import { ifElse, join3, loop, readWorkflow, seq, sql, workflowFromText } from '../../../src/graph/builders.js';
import { findNodeBelow } from '../../../src/graph/deep-node.js';
import { flatten } from '../../../src/graph/flatten.js';
import { checkStoredGraph } from '../../../src/graph/stored.js';
import { GraphError, MAX_DEPTH, toJson, type Envelope } from '../../../src/graph/envelope.js';
import { parseEnvelope } from '../../../src/graph/validate.js';

const DEPTH = 'Graph exceeds maximum nesting depth of 256. Simplify the workflow or break it into multiple instances.';
const tooDeep = (where: string): string => `Invalid durable function graph: ${where}: ${DEPTH}`;

/** `SELECT 0` wrapped `times` times by `wrap`. */
function wrapped(times: number, wrap: (inner: string) => string): string {
  let text = sql('SELECT 0');
  for (let i = 0; i < times; i += 1) text = wrap(text);
  return text;
}

/** What df.explain answers for an envelope: its graph's fault, or null when it would draw it. */
function explainFault(text: string): string | null {
  const read = readWorkflow(text, 'explain');
  return read.failure === undefined ? null : read.failure.graphText('explain');
}

const WRAPPERS: Array<[string, (inner: string) => string, string]> = [
  ['a THEN (~>)', (inner) => seq(inner, 'SELECT 1'), '.left'],
  ['a loop body (@>)', (inner) => loop(inner), '.left'],
  ['an IF condition', (inner) => ifElse(inner, 'SELECT 1', 'SELECT 2'), '.condition_node'],
  ['an else-branch', (inner) => ifElse('SELECT true', 'SELECT 1', inner), '.right'],
  ['the third branch of a join3', (inner) => join3('SELECT 1', 'SELECT 2', inner), '.extra_nodes[0]'],
];

describe.each(WRAPPERS)('a step wrapped in %s', (_, wrap, segment) => {
  it('256 times: built, started and explained', () => {
    const text = wrapped(256, wrap);
    expect(parseEnvelope(text, { context: 'start' }).node_type).not.toBe('SQL');
    expect(workflowFromText(text, 'start')).toEqual(parseEnvelope(text));
    expect(explainFault(text)).toBeNull();
  });

  it('257 times: built, but df.start refuses it and df.explain says why, naming the first node past the limit', () => {
    const text = wrapped(257, wrap);
    // Nodes are checked in preorder (left, right, condition, extras), as the reference checks
    // them: the first node at depth 257 is the left child of the innermost wrapper.
    const where = `root${segment.repeat(256)}.left`;
    expect(() => workflowFromText(text, 'start')).toThrow(new GraphError(tooDeep(where)));
    expect(explainFault(text)).toBe(tooDeep(where));
  });
});

describe('monitoring reads a stored graph back with the same rule', () => {
  it('accepts the stored graph of a step wrapped 256 times, and refuses one nested deeper', () => {
    const nodes = flatten(parseEnvelope(wrapped(256, loop)));
    expect(() => checkStoredGraph('abcd0123', nodes)).not.toThrow();
    const deeper = [...nodes, { ...nodes[256], id: 258, parent: 257, left_node: null }];
    deeper[256] = { ...nodes[256], node_type: 'LOOP', query: null, left_node: 258 };
    expect(() => checkStoredGraph('abcd0123', deeper)).toThrow(
      new Error('instance abcd0123 has an invalid stored graph at node 258: nested more than 256 levels below the root'),
    );
  });
});

describe('the builders', () => {
  it('compose any depth, since only df.start runs a graph', () => {
    const deep = wrapped(300, loop);
    expect(JSON.parse(seq(deep, 'SELECT 1')).left_node.node_type).toBe('LOOP');
  });

  it('write a graph deeper than JSON.stringify could recurse into, canonically', () => {
    let env: Envelope = { node_type: 'SQL', query: 'SELECT 0' };
    let expected = '{"node_type":"SQL","query":"SELECT 0"}';
    for (let i = 0; i < 9_000; i += 1) {
      env = { result_name: `n${i}`, left_node: env, node_type: 'LOOP' };
      expected = `{"node_type":"LOOP","left_node":${expected},"result_name":"n${i}"}`;
    }
    expect(toJson(env)).toBe(expected);
    expect(loop(expected)).toBe(`{"node_type":"LOOP","left_node":${expected}}`);
  });
});

describe('the node past the limit is named the same however deep the JSON is', () => {
  const chain = (wraps: number): string => {
    let text = '{"node_type":"SQL","query":"SELECT 1"}';
    for (let i = 0; i < wraps; i += 1) text = `{"node_type":"THEN","left_node":${text},"right_node":{"node_type":"SQL","query":"SELECT 2"}}`;
    return text;
  };

  it.each([257, 300, 600, 100_000])('a THEN chain %i deep, even one too deep to parse', (wraps) => {
    expect(() => parseEnvelope(chain(wraps))).toThrow(new GraphError(tooDeep(`root${'.left'.repeat(257)}`)));
  });

  it('the scan that names it without parsing agrees with the walk that parses', () => {
    const mixed = wrapped(300, (inner) => (inner.length % 2 === 0 ? join3('SELECT 1', 'SELECT 2', inner) : ifElse('c', inner, 'e')));
    const scanned = findNodeBelow(mixed, MAX_DEPTH);
    expect(scanned).not.toBeNull();
    expect(() => parseEnvelope(mixed)).toThrow(new GraphError(tooDeep(scanned as string)));
  });

  it('ignores brackets and keys inside strings, and objects that are not nodes', () => {
    const text = `{"node_type":"SQL","query":${JSON.stringify('{"left_node":'.repeat(300))},"retry":{"left_node":{}}}`;
    expect(findNodeBelow(text, 0)).toBeNull();
    expect(findNodeBelow('{"node_type":"THEN","left_node":{"node_type":"SQL"}}', 0)).toBe('root.left');
  });
});

describe('hostile nesting ends in a clear error, never a stack overflow', () => {
  it('100,000 nested arrays', () => {
    const hostile = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => workflowFromText(`{"node_type":"SQL","query":"x","retry":${hostile}}`, 'start')).toThrow(
      new GraphError(
        'Invalid durable function: Malformed Durofut JSON: the JSON is nested 100001 levels deep, deeper than any workflow within the limits (514)',
      ),
    );
    expect(() => seq(`{"node_type":"SQL","query":"x","retry":${hostile}}`, 'SELECT 1')).toThrow(
      new GraphError(
        'Invalid Durofut JSON: failed to deserialize workflow step: Malformed Durofut JSON: the JSON is nested 100001 levels deep, ' +
          'deeper than any workflow within the limits (20000)',
      ),
    );
  });

  it('a chain of 100,000 loops given to a builder', () => {
    let text = '{"node_type":"SQL","query":"x"}';
    text = '{"node_type":"LOOP","left_node":'.repeat(100_000) + text + '}'.repeat(100_000);
    expect(() => loop(text)).toThrow(/^Invalid Durofut JSON: failed to deserialize workflow step: Malformed Durofut JSON: the JSON is nested 100001/);
  });
});
