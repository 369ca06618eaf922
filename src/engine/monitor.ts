// Monitoring that needs the engine's own logic: df.instance_nodes (inferred statuses) and
// df.explain (the tree of an instance, an envelope, a DSL expression or one statement).
// DSL text is read by our own parser, never evaluated: explaining runs nothing.
import { stmt, type Db } from './db.js';
import { loadNodes } from './store.js';
import type { FlatNode } from '../graph/flatten.js';
import { flatten } from '../graph/flatten.js';
import { readWorkflow } from '../graph/builders.js';
import { quote } from '../graph/envelope.js';
import { DfError, SQLSTATE } from './errors.js';
import { notFound } from './control.js';
import { inferStatuses, type PhysicalStatus } from '../explain/status.js';
import { renderExplain, renderMermaid } from '../explain/render.js';
import type { InstanceStatus, NodeDisplayStatus } from '../explain/labels.js';
import { envelopeFromDsl } from '../graph/dsl/index.js';
import { sessionStringSettings } from './sql-step.js';
import { checkStoredGraph } from '../graph/stored.js';

const T = 'pg_catalog.text';
const nodeStatusesStmt = stmt(
  `SELECT n.id, n.status
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

/** The instance's own graph and node statuses (only its owner's rows, even for a superuser). */
function liveNodes(db: Db, inst: InstanceHeader): { flat: FlatNode[]; statuses: Map<number, PhysicalStatus> } {
  const flat = loadNodes(db, inst.owner, inst.id);
  checkStoredGraph(inst.id, flat);
  const rows = db.query(nodeStatusesStmt, [inst.owner, inst.id]) as unknown as { id: number; status: PhysicalStatus }[];
  return { flat, statuses: new Map(rows.map((r) => [r.id, r.status])) };
}

function instanceHeader(db: Db, id: string): InstanceHeader | null {
  return (db.query(instanceStmt, [id])[0] as unknown as InstanceHeader | undefined) ?? null;
}

// Dispatched work still parked: waiting for a runner, or leased by one until a time.
const dispatchesStmt = stmt(
  `SELECT d.node_id, d.runner,
          pg_catalog.to_char(d.lease_until, 'HH24:MI:SS') AS until,
          d.lease_until IS NOT NULL AND d.lease_until OPERATOR(pg_catalog.>) pg_catalog.clock_timestamp() AS leased
   FROM df.dispatches d JOIN df.activations a
     ON a.owner OPERATOR(pg_catalog.=) d.owner AND a.id OPERATOR(pg_catalog.=) d.activation_id
   WHERE d.owner OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND d.instance_id OPERATOR(pg_catalog.=) $2::${T}
     AND NOT a.retired AND a.wake_at OPERATOR(pg_catalog.=) 'infinity'::pg_catalog.timestamptz`,
  T,
  T,
);
function dispatchNotes(db: Db, inst: InstanceHeader): Map<number, string> {
  const rows = db.query(dispatchesStmt, [inst.owner, inst.id]) as unknown as
    { node_id: number; runner: string | null; until: string | null; leased: boolean }[];
  return new Map(rows.map((r) => [
    r.node_id,
    r.leased ? `dispatched: runner ${r.runner ?? '?'} until ${r.until}` : 'dispatched: waiting for a runner',
  ]));
}

// The counts a MAP keeps in its status_details (map.ts).
const mapCountsStmt = stmt(
  `SELECT n.id, n.status_details::${T} AS details
   FROM df.nodes n
   WHERE n.submitted_by OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND n.instance_id OPERATOR(pg_catalog.=) $2::${T}
     AND n.node_type OPERATOR(pg_catalog.=) 'MAP' AND n.status_details IS NOT NULL`,
  T,
  T,
);
function mapNotes(db: Db, inst: InstanceHeader): [number, string][] {
  const rows = db.query(mapCountsStmt, [inst.owner, inst.id]) as unknown as { id: number; details: string }[];
  return rows.flatMap((r) => {
    const c = JSON.parse(r.details) as Record<string, unknown>;
    if (typeof c.done !== 'number') return []; // e.g. the reason a dropped MAP ended
    return [[r.id, `${c.done} done, ${c.failed} failed, ${c.in_flight} in flight, ${c.waiting} waiting`]];
  });
}

/**
 * Inferred statuses for df.instance_nodes, which reads everything else (results and details
 * as exact JSON values) from df.nodes in SQL.
 */
export function inferredStatuses(db: Db, id: string): Record<string, unknown>[] {
  const inst = instanceHeader(db, id);
  if (inst === null) return [];
  const { flat, statuses } = liveNodes(db, inst);
  const inferred = inferStatuses(flat, statuses);
  return flat.map((n) => ({
    node_id: n.id,
    inferred_status: inferred.get(n.id)?.inferred_status ?? statuses.get(n.id) ?? 'pending',
    inferred_status_from_ancestor_id: inferred.get(n.id)?.inferred_status_from_ancestor_id ?? null,
  }));
}

export type ExplainFormat = 'text' | 'full' | 'mermaid';

const DSL = /~>|\|=>|\?>|!>|@>|\bdf\./;
const STATEMENT = /^\s*\(?\s*(select|insert|update|delete|with|values|table|merge|create|alter|drop|truncate|call|do|copy|grant|revoke|analyze|vacuum|refresh|lock|notify)\b/i;

export function explain(db: Db, input: string, format: ExplainFormat): string {
  const trimmed = input.trim();
  if (/^[0-9a-f]{8}$/.test(trimmed)) {
    const inst = instanceHeader(db, trimmed);
    if (inst === null) throw notFound(trimmed);
    const { flat, statuses } = liveNodes(db, inst);
    const display = new Map<number, NodeDisplayStatus>();
    for (const [id, s] of inferStatuses(flat, statuses)) display.set(id, s.inferred_status);
    if (format === 'mermaid') return renderMermaid(flat, display);
    return renderExplain(flat, {
      header: { instanceId: inst.id, label: inst.label, status: inst.status, output: inst.output },
      statuses: display,
      notes: new Map([...dispatchNotes(db, inst), ...mapNotes(db, inst)]),
      fullQueries: format === 'full',
    });
  }
  let envelopeText: string;
  if (/^\{/.test(trimmed)) envelopeText = trimmed;
  else if (DSL.test(trimmed)) envelopeText = envelopeFromDsl(trimmed, sessionStringSettings(db, trimmed));
  else if (STATEMENT.test(trimmed)) envelopeText = trimmed;
  else throw cannotExplain(`got ${quote(trimmed)}`);
  const read = readWorkflow(envelopeText, 'explain');
  if (read.failure !== undefined) {
    // As the reference does, a graph df.start would refuse is explained by saying why
    // (`Invalid durable function graph: <where>: <message>`), not raised.
    const graph = read.failure.graphText('explain');
    if (graph !== null) return graph;
    throw cannotExplain(read.failure.envelopeText());
  }
  const flat = flatten(read.envelope);
  if (format === 'mermaid') return renderMermaid(flat);
  return renderExplain(flat, { fullQueries: format === 'full' });
}

/** The reference's words for input that is none of the four kinds, then what was wrong. */
function cannotExplain(detail: string): DfError {
  return new DfError(
    SQLSTATE.invalidParameterValue,
    `Cannot explain input: not a valid Durofut JSON, instance ID, SQL statement, or DSL expression (${detail}).`,
    'DSL expressions use df.*() functions and operators like ~>, |=>, &, |.',
  );
}
