import { describe, expect, it } from 'vitest';
import { ifElse, join3, as, retry, seq } from '../../../src/graph/builders.js';
import { GraphError, toJson, type Envelope } from '../../../src/graph/envelope.js';
import { flatten, unflatten, type FlatNode } from '../../../src/graph/flatten.js';
import { parseEnvelope } from '../../../src/graph/validate.js';

function node(id: number, parent: number | null, fields: Partial<FlatNode>): FlatNode {
  return {
    id, parent, node_type: 'SQL', query: null, result_name: null, left_node: null, right_node: null,
    condition_node: null, extra_nodes: [], retry: null, ...fields,
  };
}

describe('flatten', () => {
  it('numbers nodes 1..N in preorder with children in left, right, condition, extras order', () => {
    const env = parseEnvelope(seq(as('A', 'a'), ifElse('C', retry('T', 2), join3('X', 'Y', 'Z'))));
    expect(flatten(env)).toEqual([
      node(1, null, { node_type: 'THEN', left_node: 2, right_node: 3 }),
      node(2, 1, { query: 'A', result_name: 'a' }),
      node(3, 1, { node_type: 'IF', left_node: 4, right_node: 5, condition_node: 9 }),
      node(4, 3, { query: 'T', retry: { max_attempts: 2, delay_seconds: 1, backoff: 2, max_delay_seconds: 300 } }),
      node(5, 3, { node_type: 'JOIN', left_node: 6, right_node: 7, extra_nodes: [8] }),
      node(6, 5, { query: 'X' }),
      node(7, 5, { query: 'Y' }),
      node(8, 5, { query: 'Z' }),
      node(9, 3, { query: 'C' }),
    ]);
  });

  it('unflatten restores the envelope exactly, whatever the row order', () => {
    const text = seq(as('A', 'a'), ifElse('C', retry('T', 2), join3('X', 'Y', 'Z')));
    const rows = flatten(parseEnvelope(text));
    expect(toJson(unflatten(rows))).toBe(text);
    expect(toJson(unflatten([...rows].reverse()))).toBe(text);
  });
});

describe('10,000-node graphs', () => {
  const SQL = '{"node_type":"SQL","query":"SELECT 1"}';

  it('a wide JOIN of 10,000 nodes parses, flattens and unflattens quickly', () => {
    const extras = Array.from({ length: 9_997 }, () => SQL).join(',');
    const text = `{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${extras}]}`;
    const started = performance.now();
    const rows = flatten(parseEnvelope(text));
    const back = toJson(unflatten(rows));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(rows).toHaveLength(10_000);
    expect(rows[0]?.extra_nodes).toHaveLength(9_997);
    expect(back).toBe(text);
  });

  it('a balanced tree of 8,191 THEN and SQL nodes round-trips', () => {
    const balanced = (depth: number): Envelope =>
      depth === 1
        ? { node_type: 'SQL', query: 'SELECT 1' }
        : { node_type: 'THEN', left_node: balanced(depth - 1), right_node: balanced(depth - 1) };
    const text = toJson(balanced(13));
    const rows = flatten(parseEnvelope(text));
    expect(rows).toHaveLength(8_191);
    expect(rows.filter((r) => r.node_type === 'SQL')).toHaveLength(4_096);
    expect(toJson(unflatten(rows))).toBe(text);
  });
});

describe('unflatten rejects rows that are not one tree', () => {
  const sql = (id: number, parent: number | null): FlatNode => node(id, parent, { query: 'x' });

  it('no root or two roots', () => {
    expect(() => unflatten([])).toThrow('expected exactly one root node, found 0');
    expect(() => unflatten([sql(1, null), sql(2, null)])).toThrow('expected exactly one root node, found 2');
  });

  it('a reference to a missing node', () => {
    expect(() => unflatten([node(1, null, { node_type: 'THEN', left_node: 2, right_node: 3 }), sql(2, 1)]))
      .toThrow('node 1 refers to missing node 3');
  });

  it('a node with two parents', () => {
    expect(() => unflatten([node(1, null, { node_type: 'THEN', left_node: 2, right_node: 2 }), sql(2, 1)]))
      .toThrow('node 2 has more than one parent');
  });

  it('a duplicate id', () => {
    expect(() => unflatten([sql(1, null), sql(1, null)])).toThrow('node 1 appears twice');
  });

  it('a cycle detached from the root, and a cycle through the root', () => {
    const detached = [
      sql(1, null),
      node(2, 3, { node_type: 'LOOP', left_node: 3 }),
      node(3, 2, { node_type: 'LOOP', left_node: 2 }),
    ];
    expect(() => unflatten(detached)).toThrow(GraphError);
    const throughRoot = [node(1, null, { node_type: 'LOOP', left_node: 2 }), node(2, 1, { node_type: 'LOOP', left_node: 1 })];
    expect(() => unflatten(throughRoot)).toThrow('nodes do not form a single tree (a cycle or a detached node)');
  });
});
