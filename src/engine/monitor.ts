// Monitoring that needs the engine's own logic: df.instance_nodes (inferred statuses) and
// df.explain (the tree of an instance, an envelope, a DSL expression or one statement).
import { stmt, type Db } from './db.js';
import { loadNodes } from './store.js';
import type { FlatNode } from '../graph/flatten.js';
import { flatten } from '../graph/flatten.js';
import { workflowFromText } from '../graph/builders.js';
import { inferStatuses, type PhysicalStatus } from '../explain/status.js';
import { renderExplain, renderMermaid } from '../explain/render.js';
import type { InstanceStatus, NodeDisplayStatus } from '../explain/labels.js';
import { lexSql } from '../template/lexer.js';

const nodeDetailsStmt = stmt(
  `SELECT id, status, result::text AS result, status_details::text AS status_details, updated_at::text AS updated_at
   FROM df.nodes WHERE instance_id = $1 ORDER BY id`,
  'text',
);

interface NodeDetails {
  id: number;
  status: PhysicalStatus;
  result: string | null;
  status_details: string | null;
  updated_at: string;
}

function liveNodes(db: Db, id: string): { flat: FlatNode[]; details: NodeDetails[]; statuses: Map<number, PhysicalStatus> } {
  const flat = loadNodes(db, id);
  const details = db.query(nodeDetailsStmt, [id]) as unknown as NodeDetails[];
  return { flat, details, statuses: new Map(details.map((d) => [d.id, d.status])) };
}

export function instanceNodes(db: Db, id: string): Record<string, unknown>[] {
  const { flat, details, statuses } = liveNodes(db, id);
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

const instanceStmt = stmt(
  `SELECT id, label, status, coalesce(result::text, error) AS output FROM df.instances WHERE id = $1`,
  'text',
);

export type ExplainFormat = 'text' | 'full' | 'mermaid';

const DSL = /~>|\|=>|\?>|!>|@>|\bdf\./;
const STATEMENT = /^\s*\(?\s*(select|insert|update|delete|with|values|table|merge|create|alter|drop|truncate|call|do|copy|grant|revoke|analyze|vacuum|refresh|lock|notify)\b/i;

export function explain(db: Db, input: string, format: ExplainFormat): string {
  const trimmed = input.trim();
  if (/^[0-9a-f]{8}$/.test(trimmed)) {
    const inst = db.query(instanceStmt, [trimmed])[0] as
      | { id: string; label: string | null; status: InstanceStatus; output: string | null }
      | undefined;
    if (!inst) throw new Error(`Instance not found or access denied: ${trimmed}`);
    const { flat, statuses } = liveNodes(db, trimmed);
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
  else if (DSL.test(trimmed)) envelopeText = db.evaluate(`SELECT (${oneExpression(trimmed)})::text AS e`);
  else if (STATEMENT.test(trimmed)) envelopeText = trimmed;
  else throw new Error(`Cannot explain input: ${trimmed.slice(0, 60)}`);
  const flat = flatten(workflowFromText(envelopeText));
  if (format === 'mermaid') return renderMermaid(flat);
  return renderExplain(flat, { fullQueries: format === 'full' });
}

/** DSL text is evaluated as the caller; a ';' outside literals could smuggle in a statement. */
function oneExpression(text: string): string {
  if (lexSql(text).some((s) => s.kind === 'code' && s.text.includes(';'))) {
    throw new Error('Cannot explain input: a workflow expression cannot contain ";" outside string literals');
  }
  return text;
}
