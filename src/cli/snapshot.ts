// What the monitoring commands know about one instance, read through the extension's own
// monitoring functions (df.instance_info, df.instance_executions, df.instance_nodes) in one
// statement, so every number comes from the same moment. Everything runs as the connecting
// role: row-level security shows it only its own instances.
import type pg from 'pg';
import type { FlatNode } from '../graph/flatten.js';
import type { NodeType } from '../graph/envelope.js';
import { nodeLabel } from '../explain/labels.js';

/** Leaves: the nodes a worker runs as steps (docs/nomenclature.md). */
const LEAF_TYPES: ReadonlySet<string> = new Set(['SQL', 'SLEEP', 'WAIT_SCHEDULE', 'SIGNAL', 'BREAK', 'HTTP', 'HTTP_MULTIPART']);
export const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
export const INSTANCE_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;

export interface NodeState {
  id: number;
  type: string;
  label: string;
  /** The display status of df.instance_nodes (inferred_status): physical, or `skipped`. */
  status: string;
  /** Milliseconds since the node's status last changed. */
  since_ms: number;
}

export interface Steps {
  total: number;
  completed: number;
  failed: number;
  skipped: number;
  running: number;
  pending: number;
}

export interface Snapshot {
  id: string;
  label: string | null;
  status: string;
  /** From df.start to the end (or to now while the instance runs), as df.instance_executions counts it. */
  elapsed_ms: number;
  steps: Steps;
  /** Steps running now (a running SLEEP or SIGNAL is waiting), with how long they have been running. */
  current: { node_id: number; label: string; running_ms: number }[];
  /** The result of a completed instance (JSON), else null. */
  result: unknown;
  /** Why the instance failed or was cancelled, else null. */
  error: string | null;
  nodes: NodeState[];
}

export const INSTANCE_ID = /^[0-9a-f]{8}$/;

export function checkInstanceId(id: string): string {
  if (!INSTANCE_ID.test(id)) throw new Error(`not an instance id (8 lowercase hex digits): '${id}'`);
  return id;
}

const SNAPSHOT_SQL = `
SELECT i.instance_id AS id, i.label, i.status, i.output,
       (SELECT e.duration_ms FROM df.instance_executions($1, 1) e)::float8 AS elapsed_ms,
       (SELECT coalesce(json_agg(json_build_object(
                 'id', n.node_id, 'type', n.node_type, 'query', n.query, 'result_name', n.result_name,
                 'status', n.inferred_status,
                 'since_ms', round(extract(epoch FROM now() - n.updated_at) * 1000)) ORDER BY n.node_id), '[]')
        FROM df.instance_nodes($1) n) AS nodes
FROM df.instance_info($1) i`;

interface SnapshotRow {
  id: string;
  label: string | null;
  status: string;
  output: string | null;
  elapsed_ms: number;
  nodes: { id: number; type: string; query: string | null; result_name: string | null; status: string; since_ms: number }[];
}

/** The instance as the connecting role sees it; an error when it does not exist or is not its own. */
export async function readSnapshot(client: pg.Client, id: string): Promise<Snapshot> {
  const { rows } = await client.query<SnapshotRow>(SNAPSHOT_SQL, [id]);
  const row = rows[0];
  if (row === undefined) throw new Error(`Instance not found or access denied: ${id}`);
  const nodes: NodeState[] = row.nodes.map((n) => ({
    id: n.id, type: n.type, label: leafLabel(n), status: n.status, since_ms: Number(n.since_ms),
  }));
  const leaves = nodes.filter((n) => LEAF_TYPES.has(n.type));
  const count = (status: string) => leaves.filter((n) => n.status === status).length;
  return {
    id: row.id,
    label: row.label,
    status: row.status,
    elapsed_ms: Number(row.elapsed_ms),
    steps: {
      total: leaves.length,
      completed: count('completed'),
      failed: count('failed'),
      skipped: count('skipped'),
      running: count('running'),
      pending: count('pending'),
    },
    current: leaves.filter((n) => n.status === 'running').map((n) => ({ node_id: n.id, label: n.label, running_ms: n.since_ms })),
    result: row.status === 'completed' ? parseResult(row.output) : null,
    error: row.status === 'failed' || row.status === 'cancelled' ? row.output : null,
    nodes,
  };
}

/**
 * df.explain's label for a step, from what df.instance_nodes tells (a retry policy is not
 * shown); a composite node is named by its type (its label needs links instance_nodes omits).
 */
function leafLabel(n: SnapshotRow['nodes'][number]): string {
  if (!LEAF_TYPES.has(n.type)) return n.type;
  const node: FlatNode = {
    id: n.id, parent: null, node_type: n.type as NodeType, query: n.query, result_name: n.result_name,
    left_node: null, right_node: null, condition_node: null, extra_nodes: [], retry: null,
  };
  try {
    return nodeLabel(node);
  } catch {
    return n.type; // a configuration this CLI cannot read (a newer extension): the type still says what it is
  }
}

function parseResult(output: string | null): unknown {
  if (output === null) return null;
  try {
    return JSON.parse(output);
  } catch {
    return output;
  }
}

/** Steps that will not run any more: completed, failed or skipped. */
export function settledSteps(steps: Steps): number {
  return steps.completed + steps.failed + steps.skipped;
}

/** `2/5 steps (1 completed, 1 skipped), 1 running, 2 pending` — zero counts left out. */
export function progressText(steps: Steps): string {
  const settled = (['completed', 'failed', 'skipped'] as const).filter((k) => steps[k] > 0).map((k) => `${steps[k]} ${k}`);
  const open = (['running', 'pending'] as const).filter((k) => steps[k] > 0).map((k) => `${steps[k]} ${k}`);
  const done = `${settledSteps(steps)}/${steps.total} steps${settled.length ? ` (${settled.join(', ')})` : ''}`;
  return [done, ...open].join(', ');
}

export type SnapshotSummary = Omit<Snapshot, 'nodes'>;

/** An instance without its nodes (they can be many), as summaries list it. */
export function withoutNodes(s: Snapshot): SnapshotSummary {
  return { id: s.id, label: s.label, status: s.status, elapsed_ms: s.elapsed_ms, steps: s.steps, current: s.current, result: s.result, error: s.error };
}
