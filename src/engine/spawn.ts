// Starting a node: composites are started at once, down to their first leaves; leaves
// become claimable rows whose wake time says when a worker may run them.
import type { Checkpoint } from './checkpoint.js';
import { readIfRowsQuery, readScheduleQuery, readSignalQuery, readSleepSeconds } from '../graph/queries.js';
import { parseCron } from '../cron/parse.js';
import { nextCronTime } from '../cron/next.js';
import { isJsonObject, parseLossless } from '../json/lossless.js';

const FOREVER = 'infinity';

/** Starts node `nodeId` as child `slot` of activation `parentId`, not before `notBefore`, as attempt `attempt` of it. */
export function spawnNode(
  cp: Checkpoint,
  nodeId: number,
  parentId: string | null,
  slot: string,
  notBefore: Date | null,
  attempt = 1,
): void {
  const node = cp.reads.node(nodeId);
  const id = cp.newId();
  const start = notBefore && notBefore > cp.now ? notBefore : cp.now;
  const base = { id, node_id: nodeId, parent_id: parentId, slot, attempt };
  const leaf = (wake: Date | string, memo: Record<string, unknown> = {}) =>
    cp.addActivation({ ...base, leaf: true, wake_at: typeof wake === 'string' ? wake : wake.toISOString(), memo });
  const composite = (memo: Record<string, unknown> = {}) =>
    cp.addActivation({ ...base, leaf: false, wake_at: null, memo });

  switch (node.node_type) {
    case 'SQL':
    case 'BREAK':
    case 'HTTP':
    case 'HTTP_MULTIPART':
      return leaf(start);
    case 'SLEEP':
      return leaf(new Date(start.getTime() + readSleepSeconds(node.query!) * 1000));
    case 'WAIT_SCHEDULE':
      return leaf(nextCronTime(parseCron(readScheduleQuery(node.query!).cron_expr), start));
    case 'SIGNAL': {
      const q = readSignalQuery(node.query!);
      const buffered = cp.reads.takeBufferedSignal(q.signal_name);
      if (buffered !== null) return leaf(start, { signal: buffered });
      return leaf(q.timeout_seconds === null ? FOREVER : new Date(start.getTime() + q.timeout_seconds * 1000));
    }
    case 'THEN':
      composite();
      return spawnNode(cp, node.left_node!, id, 'left', notBefore);
    case 'IF':
      composite();
      if (node.condition_node !== null) return spawnNode(cp, node.condition_node, id, 'condition', notBefore);
      return hasRows(cp, id, readIfRowsQuery(node.query!).result_name)
        ? spawnNode(cp, node.left_node!, id, 'then', notBefore)
        : spawnNode(cp, node.right_node!, id, 'else', notBefore);
    case 'JOIN':
    case 'RACE': {
      const branches = [node.left_node!, node.right_node!, ...node.extra_nodes];
      composite(node.node_type === 'JOIN' ? { pending: branches.length, errors: {} } : {});
      branches.forEach((b, i) => spawnNode(cp, b, id, `branch:${i}`, notBefore));
      return;
    }
    case 'LOOP':
      composite({ iteration: 1, started: start.getTime() });
      return spawnNode(cp, node.left_node!, id, 'body', notBefore);
    case 'MAP': // its items first; the bodies start when they arrive (map.ts)
      composite();
      return spawnNode(cp, node.left_node!, id, 'items', notBefore);
    default:
      throw new Error(`unknown node type ${node.node_type}`);
  }
}

/** df.if_rows: the named result the IF activation `id` sees exists and has at least one row. */
function hasRows(cp: Checkpoint, id: string, name: string): boolean {
  const text = cp.visibleResult(id, name);
  if (text === undefined) return false;
  const value = parseLossless(text);
  if (!isJsonObject(value)) return false;
  const rows = value.rows;
  return Array.isArray(rows) && rows.length > 0;
}
