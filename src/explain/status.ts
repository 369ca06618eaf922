// Derived ("inferred") node status for monitoring (spec section 10): the physical statuses
// plus `skipped` for work that can no longer run.
//
// Assumptions about the executor:
// - A node that never started is `pending`; reaching a node makes it `running`, then
//   `completed` or `failed`. A node missing from the status map counts as `pending`.
// - A completed or failed node's subtree never runs again; a loop that starts another
//   iteration resets its whole body (and while-condition) subtree to `pending` first.
// - RACE: the first branch to settle wins, so while one branch has settled every branch that
//   has not is a loser.
// Only non-terminal nodes are ever inferred `skipped`: a loser step that completed before the
// race was decided keeps `completed`, which is what physically happened.

import type { FlatNode } from '../graph/flatten.js';

export type PhysicalStatus = 'pending' | 'running' | 'completed' | 'failed';
export type InferredStatus = PhysicalStatus | 'skipped';

export interface InferredNodeStatus {
  inferred_status: InferredStatus;
  /** The node whose outcome rules this one out (an IF, THEN, RACE or any settled ancestor). */
  inferred_status_from_ancestor_id: number | null;
}

export function inferStatuses(
  nodes: readonly FlatNode[],
  physical: ReadonlyMap<number, PhysicalStatus>,
): Map<number, InferredNodeStatus> {
  const byId = new Map<number, FlatNode>();
  for (const node of nodes) byId.set(node.id, node);
  const statusOf = (id: number | null): PhysicalStatus => (id === null ? 'pending' : physical.get(id) ?? 'pending');

  const inferred = new Map<number, InferredNodeStatus>();
  const root = nodes.find((n) => n.parent === null);
  // Each entry: a node and the ancestor that rules out its subtree, if any.
  const stack: Array<[FlatNode, number | null]> = root === undefined ? [] : [[root, null]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, cause] = top;
    const status = statusOf(node.id);
    inferred.set(node.id, cause !== null && !isSettled(status)
      ? { inferred_status: 'skipped', inferred_status_from_ancestor_id: cause }
      : { inferred_status: status, inferred_status_from_ancestor_id: null });

    for (const childId of childIds(node)) {
      const child = byId.get(childId);
      if (child === undefined) continue;
      const ruledOut = isSettled(status) || isExcludedBySibling(node, childId, statusOf);
      stack.push([child, cause ?? (ruledOut ? node.id : null)]);
    }
  }
  return inferred;
}

/** Decisions a running parent has already made against one of its children. */
function isExcludedBySibling(parent: FlatNode, childId: number, statusOf: (id: number | null) => PhysicalStatus): boolean {
  switch (parent.node_type) {
    case 'IF': {
      // Once one arm started, the other was not taken.
      const other = childId === parent.left_node ? parent.right_node : childId === parent.right_node ? parent.left_node : null;
      return other !== null && statusOf(childId) === 'pending' && statusOf(other) !== 'pending';
    }
    case 'THEN':
      return childId === parent.right_node && statusOf(parent.left_node) === 'failed';
    case 'RACE': {
      const branches = [parent.left_node, parent.right_node, ...parent.extra_nodes];
      return !isSettled(statusOf(childId)) && branches.some((id) => id !== childId && isSettled(statusOf(id)));
    }
    default:
      return false;
  }
}

function childIds(node: FlatNode): number[] {
  return [node.left_node, node.right_node, node.condition_node, ...node.extra_nodes].filter((id): id is number => id !== null);
}

function isSettled(status: PhysicalStatus): boolean {
  return status === 'completed' || status === 'failed';
}
