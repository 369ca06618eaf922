// A graph read back from df.nodes is checked before anything walks it: a role can write
// rows of its own instances by hand, and monitoring (often run by an administrator) must
// neither loop on a cycle nor show a graph the engine could not have stored.
import { MAX_DEPTH, MAX_NODES, NODE_TYPES } from './envelope.js';
import type { FlatNode } from './flatten.js';

const TYPES = new Set<string>(NODE_TYPES);

/** Throws unless `nodes` is what flatten() produces: ids 1..N in preorder, a tree rooted at 1. */
export function checkStoredGraph(instanceId: string, nodes: readonly FlatNode[]): void {
  const fail = (id: number | null, problem: string): never => {
    throw new Error(`instance ${instanceId} has an invalid stored graph${id === null ? '' : ` at node ${id}`}: ${problem}`);
  };
  if (nodes.length === 0) fail(null, 'it has no nodes');
  if (nodes.length > MAX_NODES) fail(null, `it has ${nodes.length} nodes, more than ${MAX_NODES}`);
  const depth = new Map<number, number>();
  nodes.forEach((node, i) => {
    if (node.id !== i + 1) fail(node.id, `node ids must run 1..${nodes.length} without gaps`);
    if (!TYPES.has(node.node_type)) fail(node.id, `unknown node_type '${String(node.node_type)}'`);
    if ((node.parent === null) !== (node.id === 1)) fail(node.id, 'only node 1 is the root');
    const children = [node.left_node, node.right_node, node.condition_node, ...(node.extra_nodes ?? [])];
    for (const child of children) {
      if (child === null) continue;
      // Children come after their parent in preorder, so following them always ends.
      if (!Number.isInteger(child) || child <= node.id || child > nodes.length) fail(node.id, `child ${child} is out of order`);
      if (nodes[child - 1].parent !== node.id) fail(node.id, `child ${child} names another parent`);
    }
    if (node.parent !== null) {
      const d = (depth.get(node.parent) ?? fail(node.id, `parent ${node.parent} comes after it`)) + 1;
      if (d > MAX_DEPTH) fail(node.id, `nested more than ${MAX_DEPTH} levels below the root`);
      depth.set(node.id, d);
    } else {
      depth.set(node.id, 0); // as df.start counts: the root is at depth 0
    }
  });
}
