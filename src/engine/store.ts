// Every statement the engine runs against its own tables, one exported function each.
// Values are always bound as parameters; JSON travels as text so numbers stay exact.
import { type Db, stmt } from './db.js';
import { CLAIM_LOCK_CLASS, INSTANCE_KEY_SQL, INSTANCE_LOCK_CLASS } from './locks.js';
import type { FlatNode } from '../graph/flatten.js';

export interface ActivationRow {
  id: string;
  instance_id: string;
  node_id: number;
  parent_id: string | null;
  slot: string;
  leaf: boolean;
  attempt: number;
  memo: string;
}

export interface InstanceRow {
  id: string;
  label: string | null;
  vars: string;
  status: string;
  submitted_by: string;
}


const ACTIVATION_COLUMNS = `a.id::text AS id, a.instance_id, a.node_id, a.parent_id::text AS parent_id, a.slot, a.leaf,
  a.attempt, a.memo::text AS memo`;

const claimStmt = stmt(
  `SELECT ${ACTIVATION_COLUMNS} FROM (
     SELECT * FROM df.activations a
     WHERE a.leaf AND a.owner = $1::regrole AND a.wake_at <= $2::timestamptz
     ORDER BY a.wake_at LIMIT 64) a
   WHERE pg_try_advisory_xact_lock(${CLAIM_LOCK_CLASS}, (a.id % 2147483647)::int4)
   LIMIT 1`,
  'text',
  'text',
);
/**
 * Claims one due leaf activation of the role (advisory lock held until commit). The row
 * comes from the statement's snapshot, which may predate another worker's commit: the
 * worker re-reads it under the instance lock before it checkpoints (see recheck).
 */
export function claim(db: Db, role: string, now: Date): ActivationRow | null {
  const rows = db.query(claimStmt, [role, now.toISOString()]);
  return rows.length ? (rows[0] as unknown as ActivationRow) : null;
}

const activationStmt = stmt(`SELECT ${ACTIVATION_COLUMNS} FROM df.activations a WHERE a.id = $1::bigint`, 'text');
/** Reads an activation with a fresh snapshot; null when it no longer exists. */
export function loadActivation(db: Db, id: string): ActivationRow | null {
  const rows = db.query(activationStmt, [id]);
  return rows.length ? (rows[0] as unknown as ActivationRow) : null;
}

const recheckStmt = stmt(
  `SELECT a.memo::text AS memo, a.attempt, i.status FROM df.activations a JOIN df.instances i ON i.id = a.instance_id
   WHERE a.id = $1::bigint`,
  'text',
);
export interface Recheck {
  memo: string;
  attempt: number;
  status: string;
}
/** Under the instance lock: what may have changed about the activation since the claim, or null when it is gone. */
export function recheck(db: Db, id: string): Recheck | null {
  const rows = db.query(recheckStmt, [id]);
  return rows.length ? (rows[0] as unknown as Recheck) : null;
}

const instanceStmt = stmt(
  `SELECT id, label, vars::text AS vars, status, submitted_by::text AS submitted_by
   FROM df.instances WHERE id = $1`,
  'text',
);
export function loadInstance(db: Db, id: string): InstanceRow | null {
  const rows = db.query(instanceStmt, [id]);
  return rows.length ? (rows[0] as unknown as InstanceRow) : null;
}

const NODE_COLUMNS = `id, parent_node AS parent, node_type, query, result_name, left_node, right_node, condition_node,
  extra_nodes, retry`;

const nodesStmt = stmt(`SELECT ${NODE_COLUMNS} FROM df.nodes WHERE instance_id = $1 ORDER BY id`, 'text');
const nodeStmt = stmt(`SELECT ${NODE_COLUMNS} FROM df.nodes WHERE instance_id = $1 AND id = $2`, 'text', 'int4');
export function loadNode(db: Db, instanceId: string, id: number): FlatNode | null {
  const rows = db.query(nodeStmt, [instanceId, id]);
  return rows.length ? (rows[0] as unknown as FlatNode) : null;
}

/** The static graph of an instance, as df.start flattened it. */
export function loadNodes(db: Db, instanceId: string): FlatNode[] {
  return db.query(nodesStmt, [instanceId]) as unknown as FlatNode[];
}

const resultsStmt = stmt(`SELECT name, value::text AS value FROM df.results WHERE instance_id = $1`, 'text');
export function loadResults(db: Db, instanceId: string): { name: string; value: string }[] {
  return db.query(resultsStmt, [instanceId]) as unknown as { name: string; value: string }[];
}

const branchResultsStmt = stmt(
  `SELECT branch, value::text AS value FROM df.branch_results WHERE activation_id = $1::bigint`,
  'text',
);
export function loadBranchResults(db: Db, joinActivationId: string): Map<number, string> {
  return new Map(db.query(branchResultsStmt, [joinActivationId]).map((r) => [r.branch as number, r.value as string]));
}

const lockInstanceStmt = stmt(`SELECT pg_advisory_xact_lock(${INSTANCE_LOCK_CLASS}, ${INSTANCE_KEY_SQL})`, 'text');
export function lockInstance(db: Db, instanceId: string): void {
  db.query(lockInstanceStmt, [instanceId]);
}

const nextIdsStmt = stmt(
  `SELECT nextval('df.activations_id_seq')::text AS id FROM generate_series(1, $1)`,
  'int4',
);
export function nextActivationIds(db: Db, count: number): string[] {
  return db.query(nextIdsStmt, [count]).map((r) => r.id as string);
}

export interface CheckpointWrites {
  instanceId: string;
  owner: string;
  /** JSON arrays; '[]' when there is nothing of that kind. */
  inserts: string;
  updates: string;
  deletes: string[];
  nodes: string;
  results: string;
  /** Completed JOIN branches: [{activation_id, branch, value}]. */
  branches: string;
  /** The ids in `updates` and in `nodes`. */
  updatedActivationIds: string[];
  nodeIds: number[];
  instance: { status: string; result: string | null; error: string | null } | null;
}

// One statement for everything a step changes: every plv8 statement is a subtransaction
// with its own XID once it writes, so this keeps a step at three (transaction, user
// statement, checkpoint). Rows touched here are disjoint by construction. The id arrays
// ($12, $13) let the updates find their rows through the primary keys whatever the
// number of nodes of the instance.
const checkpointStmt = stmt(
  `WITH ins AS (
     INSERT INTO df.activations (id, instance_id, node_id, parent_id, slot, leaf, wake_at, attempt, memo, owner)
     SELECT r.id, $1, r.node_id, r.parent_id, r.slot, r.leaf, coalesce(r.wake_at, clock_timestamp()), r.attempt,
            coalesce(r.memo, '{}'), $2::regrole
     FROM json_to_recordset($3::json) AS r(id bigint, node_id int, parent_id bigint, slot text, leaf bool,
          wake_at timestamptz, attempt int, memo json)),
   upd AS (
     UPDATE df.activations a
     SET memo = coalesce(r.memo, a.memo), wake_at = coalesce(r.wake_at, a.wake_at), attempt = coalesce(r.attempt, a.attempt)
     FROM json_to_recordset($4::json) AS r(id bigint, memo json, wake_at timestamptz, attempt int)
     WHERE a.id = ANY ($12::bigint[]) AND a.id = r.id),
   del AS (
     DELETE FROM df.activations WHERE id = ANY ($5::bigint[])),
   nod AS (
     UPDATE df.nodes n
     SET status = r.status, result = coalesce(r.result, n.result), status_details = coalesce(r.details, n.status_details),
         updated_at = now()
     FROM json_to_recordset($6::json) AS r(id int, status text, result jsonb, details jsonb)
     WHERE n.instance_id = $1 AND n.id = ANY ($13::int[]) AND n.id = r.id),
   res AS (
     INSERT INTO df.results (instance_id, name, value, owner)
     SELECT $1, r.name, r.value, $2::regrole FROM json_to_recordset($7::json) AS r(name text, value json)
     ON CONFLICT (instance_id, name) DO UPDATE SET value = excluded.value),
   br AS (
     INSERT INTO df.branch_results (activation_id, branch, value, owner)
     SELECT r.activation_id, r.branch, r.value, $2::regrole
     FROM json_to_recordset($11::json) AS r(activation_id bigint, branch int, value json)),
   inst AS (
     UPDATE df.instances
     SET status = $8, result = coalesce($9::json, result), error = coalesce($10, error), updated_at = now(),
         completed_at = CASE WHEN $8 IN ('completed', 'failed', 'cancelled') THEN now() END
     WHERE id = $1 AND $8 IS NOT NULL)
   SELECT 1`,
  'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text',
);
export function writeCheckpoint(db: Db, w: CheckpointWrites): void {
  db.query(checkpointStmt, [
    w.instanceId, w.owner, w.inserts, w.updates, `{${w.deletes.join(',')}}`, w.nodes, w.results,
    w.instance?.status ?? null, w.instance?.result ?? null, w.instance?.error ?? null, w.branches,
    `{${w.updatedActivationIds.join(',')}}`, `{${w.nodeIds.join(',')}}`,
  ]);
}

// Ends an instance from outside its own steps (cancel, an engine failure): its pending work
// goes, nodes still running are marked failed, and the instance gets its terminal status.
const endInstanceStmt = stmt(
  `WITH inst AS (
     UPDATE df.instances SET status = $2, error = $3, updated_at = now(), completed_at = now()
     WHERE id = $1 AND status IN ('pending', 'running')
     RETURNING id),
   work AS (
     DELETE FROM df.activations a USING inst WHERE a.instance_id = inst.id),
   running AS (
     UPDATE df.nodes n SET status = 'failed', result = to_jsonb($4::text), updated_at = now()
     FROM inst WHERE n.instance_id = inst.id AND n.status = 'running')
   SELECT count(*)::int AS n FROM inst`,
  'text',
  'text',
  'text',
  'text',
);
/** True when the instance was still pending or running (and is now ended). */
export function endInstance(db: Db, id: string, status: 'cancelled' | 'failed', error: string, nodeResult: string): boolean {
  return (db.query(endInstanceStmt, [id, status, error, nodeResult])[0].n as number) === 1;
}

const takeSignalStmt = stmt(
  `DELETE FROM df.signals WHERE id = (
     SELECT id FROM df.signals WHERE instance_id = $1 AND name = $2 ORDER BY id LIMIT 1)
   RETURNING data::text AS data`,
  'text',
  'text',
);
/** Consumes the oldest buffered signal of that name, if any. */
export function takeBufferedSignal(db: Db, instanceId: string, name: string): string | null {
  const rows = db.query(takeSignalStmt, [instanceId, name]);
  return rows.length ? ((rows[0].data as string | null) ?? 'null') : null;
}

const loopIntervalStmt = stmt(
  `SELECT extract(epoch FROM CASE WHEN v ~ '^\\s*[0-9.]+\\s*$' THEN (v || ' seconds')::interval ELSE v::interval END)::float8 AS s
   FROM coalesce(nullif(current_setting('pg_durable.loop_min_interval', true), ''), '1') AS v`,
);
/** pg_durable.loop_min_interval in seconds: a number of seconds or an interval ('500ms'). */
export function loopMinIntervalSeconds(db: Db): number {
  return Number(db.query(loopIntervalStmt)[0].s);
}
