// Monitoring that needs the engine's own logic: df.instance_nodes (inferred statuses) and
// df.explain (the tree of an instance, an envelope, a DSL expression or one statement).
// DSL text is read by our own parser, never evaluated: explaining runs nothing.
import { stmt, type Db } from './db.js';
import { loadNodes } from './store.js';
import type { FlatNode } from '../graph/flatten.js';
import { flatten } from '../graph/flatten.js';
import { workflowFromText } from '../graph/builders.js';
import { inferStatuses, type PhysicalStatus } from '../explain/status.js';
import { renderExplain, renderMermaid } from '../explain/render.js';
import type { InstanceStatus, NodeDisplayStatus } from '../explain/labels.js';
import { envelopeFromDsl } from '../graph/dsl/index.js';
import { sessionStringSettings } from './sql-step.js';
import { checkStoredGraph } from '../graph/stored.js';

const T = 'pg_catalog.text';
const nodeDetailsStmt = stmt(
  `SELECT n.id, n.status, n.result::${T} AS result, n.status_details::${T} AS status_details, n.updated_at::${T} AS updated_at
   FROM df.nodes n
   WHERE n.submitted_by OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND n.instance_id OPERATOR(pg_catalog.=) $2::${T}
   ORDER BY n.id`,
  T,
  T,
);
const instanceStmt = stmt(
  `SELECT i.id::${T} AS id, i.label, i.status, coalesce(i.result::${T}, i.error) AS output, i.submitted_by::${T} AS owner
   FROM df.instances i WHERE i.id OPERATOR(pg_catalog.=) $1::${T}`,
  T,
);
interface InstanceHeader {
  id: string;
  label: string | null;
  status: InstanceStatus;
  output: string | null;
  owner: string;
}

interface NodeDetails {
  id: number;
  status: PhysicalStatus;
  result: string | null;
  status_details: string | null;
  updated_at: string;
}

/** The instance's own graph and node states (only its owner's rows, even for a superuser). */
function liveNodes(db: Db, inst: InstanceHeader): { flat: FlatNode[]; details: NodeDetails[]; statuses: Map<number, PhysicalStatus> } {
  const flat = loadNodes(db, inst.owner, inst.id);
  checkStoredGraph(inst.id, flat);
  const details = db.query(nodeDetailsStmt, [inst.owner, inst.id]) as unknown as NodeDetails[];
  return { flat, details, statuses: new Map(details.map((d) => [d.id, d.status])) };
}

function instanceHeader(db: Db, id: string): InstanceHeader | null {
  return (db.query(instanceStmt, [id])[0] as unknown as InstanceHeader | undefined) ?? null;
}

export function instanceNodes(db: Db, id: string): Record<string, unknown>[] {
  const inst = instanceHeader(db, id);
  if (inst === null) return [];
  const { flat, details, statuses } = liveNodes(db, inst);
  const inferred = inferStatuses(flat, statuses);
  const byId = new Map(details.map((d) => [d.id, d]));
  return flat.map((n) => {
    const d = byId.get(n.id)!;
    const inf = inferred.get(n.id);
    return {
      node_id: n.id,
      node_type: n.node_type,
      query: n.query,
      result_name: n.result_name,
      left_node: n.left_node,
      right_node: n.right_node,
      status: d.status,
      result: d.result,
      status_details: d.status_details,
      inferred_status: inf?.inferred_status ?? d.status,
      inferred_status_from_ancestor_id: inf?.inferred_status_from_ancestor_id ?? null,
      updated_at: d.updated_at,
    };
  });
}

export type ExplainFormat = 'text' | 'full' | 'mermaid';

const DSL = /~>|\|=>|\?>|!>|@>|\bdf\./;
const STATEMENT = /^\s*\(?\s*(select|insert|update|delete|with|values|table|merge|create|alter|drop|truncate|call|do|copy|grant|revoke|analyze|vacuum|refresh|lock|notify)\b/i;

export function explain(db: Db, input: string, format: ExplainFormat): string {
  const trimmed = input.trim();
  if (/^[0-9a-f]{8}$/.test(trimmed)) {
    const inst = instanceHeader(db, trimmed);
    if (inst === null) throw new Error(`Instance not found or access denied: ${trimmed}`);
    const { flat, statuses } = liveNodes(db, inst);
    const display = new Map<number, NodeDisplayStatus>();
    for (const [id, s] of inferStatuses(flat, statuses)) display.set(id, s.inferred_status);
    if (format === 'mermaid') return renderMermaid(flat, display);
    return renderExplain(flat, {
      header: { instanceId: inst.id, label: inst.label, status: inst.status, output: inst.output },
      statuses: display,
      fullQueries: format === 'full',
    });
  }
  let envelopeText: string;
  if (/^\{/.test(trimmed)) envelopeText = trimmed;
  else if (DSL.test(trimmed)) envelopeText = envelopeFromDsl(trimmed, sessionStringSettings(db, trimmed));
  else if (STATEMENT.test(trimmed)) envelopeText = trimmed;
  else throw new Error(`Cannot explain input: ${trimmed.slice(0, 60)}`);
  const flat = flatten(workflowFromText(envelopeText));
  if (format === 'mermaid') return renderMermaid(flat);
  return renderExplain(flat, { fullQueries: format === 'full' });
}
