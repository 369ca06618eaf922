// Envelope <-> rows of df.nodes. Nodes are numbered 1..N in preorder, children in canonical
// order (left, right, condition, extras), so the root is node 1. Both directions are
// iterative: a 10,000-node graph costs one pass each way.

import { countNodes, GraphError, type Envelope, type NodeType, type RetryPolicy } from './envelope.js';

export interface FlatNode {
  id: number;
  parent: number | null;
  node_type: NodeType;
  query: string | null;
  result_name: string | null;
  left_node: number | null;
  right_node: number | null;
  condition_node: number | null;
  extra_nodes: number[];
  retry: RetryPolicy | null;
}

type Slot = 'left_node' | 'right_node' | 'condition_node' | number;

export function flatten(root: Envelope): FlatNode[] {
  const nodes: FlatNode[] = [];
  const stack: Array<[Envelope, FlatNode | null, Slot]> = [[root, null, 'left_node']];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [env, parent, slot] = top;
    const node: FlatNode = {
      id: nodes.length + 1,
      parent: parent === null ? null : parent.id,
      node_type: env.node_type,
      query: env.query ?? null,
      result_name: env.result_name ?? null,
      left_node: null,
      right_node: null,
      condition_node: null,
      extra_nodes: [],
      retry: env.retry ? { ...env.retry } : null,
    };
    nodes.push(node);
    if (parent !== null) {
      if (typeof slot === 'number') parent.extra_nodes[slot] = node.id;
      else parent[slot] = node.id;
    }
    // Reverse order on the stack gives canonical order in the numbering.
    const extras = env.extra_nodes ?? [];
    for (let i = extras.length - 1; i >= 0; i -= 1) stack.push([extras[i] as Envelope, node, i]);
    if (env.condition_node) stack.push([env.condition_node, node, 'condition_node']);
    if (env.right_node) stack.push([env.right_node, node, 'right_node']);
    if (env.left_node) stack.push([env.left_node, node, 'left_node']);
  }
  return nodes;
}

/** Rebuilds the envelope from rows in any order; rejects rows that do not form one tree. */
export function unflatten(nodes: readonly FlatNode[]): Envelope {
  const byId = new Map<number, Envelope>();
  const roots: number[] = [];
  for (const node of nodes) {
    if (byId.has(node.id)) throw new GraphError(`node ${node.id} appears twice`);
    byId.set(node.id, ownFields(node));
    if (node.parent === null) roots.push(node.id);
  }
  if (roots.length !== 1) throw new GraphError(`expected exactly one root node, found ${roots.length}`);

  const referenced = new Set<number>();
  const childEnvelope = (from: FlatNode, id: number): Envelope => {
    const child = byId.get(id);
    if (child === undefined) throw new GraphError(`node ${from.id} refers to missing node ${id}`);
    if (referenced.has(id)) throw new GraphError(`node ${id} has more than one parent`);
    referenced.add(id);
    return child;
  };
  for (const node of nodes) {
    const env = byId.get(node.id) as Envelope;
    if (node.left_node !== null) env.left_node = childEnvelope(node, node.left_node);
    if (node.right_node !== null) env.right_node = childEnvelope(node, node.right_node);
    if (node.condition_node !== null) env.condition_node = childEnvelope(node, node.condition_node);
    if (node.extra_nodes.length > 0) env.extra_nodes = node.extra_nodes.map((id) => childEnvelope(node, id));
  }
  // With one parent at most per node and none for the root, the part the root reaches is a
  // tree (entering a cycle would need a second parent), so counting it finds cycles and
  // detached nodes.
  const rootId = roots[0] as number;
  const root = byId.get(rootId) as Envelope;
  if (referenced.has(rootId) || countNodes(root) !== nodes.length) {
    throw new GraphError('nodes do not form a single tree (a cycle or a detached node)');
  }
  return root;
}

function ownFields(node: FlatNode): Envelope {
  const env: Envelope = { node_type: node.node_type };
  if (node.query !== null) env.query = node.query;
  if (node.result_name !== null) env.result_name = node.result_name;
  if (node.retry !== null) env.retry = { ...node.retry };
  return env;
}
