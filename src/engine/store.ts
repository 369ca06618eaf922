// The statements of the engine's work on instances, one exported function each (upkeep.ts has the rest).
// Values are always bound as parameters; JSON travels as text so numbers stay exact.
//
// Every name is schema-qualified and every operator is written OPERATOR(pg_catalog.…), so
// a statement resolves only to pg_catalog and df objects whatever search_path the session
// has and whatever other roles created in schemas on it. Every statement names the owner
// (the instance's submitted_by) as well as the key: every key includes the owner, so even a
// session that sees all rows (a superuser) only ever treats the owner's rows as the instance's.
import { type Db, stmt } from './db.js';
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
  /** Runs started of this attempt, counted only for roles with a statement_timeout. */
  runs: number;
  /** The instance's status when the activation was read. */
  instance_status: string;
}

export interface InstanceRow {
  id: string;
  label: string | null;
  vars: string;
  status: string;
  submitted_by: string;
}

const T = 'pg_catalog.text';
const ROLE = `$1::pg_catalog.regrole`;

const ACTIVATION_COLUMNS = `a.id::pg_catalog.text AS id, a.instance_id::pg_catalog.text AS instance_id, a.node_id,
  a.parent_id::pg_catalog.text AS parent_id, a.slot, a.leaf, a.attempt, a.memo::pg_catalog.text AS memo, a.runs,
  (SELECT i.status FROM df.instances i
   WHERE i.id OPERATOR(pg_catalog.=) a.instance_id AND i.submitted_by OPERATOR(pg_catalog.=) a.owner) AS instance_status`;

// A row lock under row-level security: no other role can see, take or wait on it (advisory
// lock keys are global and show in pg_locks). It also hands over the newest committed
// version of the row, so the claimed activation needs no second read. The scan starts at a
// position in (wake_at, id) order (claim-order.ts): the leaves claimed before it have settled,
// and their index entries, left until vacuum, would otherwise be walked by every claim. The
// position travels as ISO 8601 in UTC, which reads back the same whatever DateStyle or
// TimeZone the session has.
const claimStmt = stmt(
  `SELECT ${ACTIVATION_COLUMNS},
     CASE WHEN pg_catalog.isfinite(a.wake_at)
          THEN pg_catalog.to_char(pg_catalog.timezone('UTC', a.wake_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
          ELSE a.wake_at::pg_catalog.text END AS wake_at
   FROM df.activations a
   WHERE a.owner OPERATOR(pg_catalog.=) ${ROLE} AND a.leaf AND NOT a.retired
     AND a.wake_at OPERATOR(pg_catalog.<=) $2::pg_catalog.timestamptz
     AND (a.wake_at, a.id) OPERATOR(pg_catalog.>=) ($3::pg_catalog.timestamptz, $4::pg_catalog.int8)
   ORDER BY a.wake_at, a.id
   LIMIT 1
   FOR NO KEY UPDATE OF a SKIP LOCKED`,
  T,
  T,
  T,
  T,
);
/** A claimed leaf, with where it stands in claim order. */
export interface ClaimedRow extends ActivationRow {
  wake_at: string;
}
/**
 * Claims the first due leaf activation of the role at or after `from` in (wake_at, id) order;
 * its row stays locked until the transaction ends.
 */
export function claim(db: Db, owner: string, now: Date, from: { wake_at: string; id: string }): ClaimedRow | null {
  const rows = db.query(claimStmt, [owner, now.toISOString(), from.wake_at, from.id]);
  return rows.length ? (rows[0] as unknown as ClaimedRow) : null;
}

const activationStmt = stmt(
  `SELECT ${ACTIVATION_COLUMNS} FROM df.activations a
   WHERE a.owner OPERATOR(pg_catalog.=) ${ROLE} AND a.id OPERATOR(pg_catalog.=) $2::pg_catalog.int8 AND NOT a.retired`,
  T,
  T,
);
/** Reads an activation with a fresh snapshot; null when it no longer exists. */
export function loadActivation(db: Db, owner: string, id: string): ActivationRow | null {
  const rows = db.query(activationStmt, [owner, id]);
  return rows.length ? (rows[0] as unknown as ActivationRow) : null;
}

const countRunStmt = stmt(
  `UPDATE df.activations a SET runs = a.runs OPERATOR(pg_catalog.+) 1
   WHERE a.owner OPERATOR(pg_catalog.=) ${ROLE} AND a.id OPERATOR(pg_catalog.=) $2::pg_catalog.int8`,
  T,
  T,
);
const markRunningStmt = stmt(
  `UPDATE df.instances i SET status = 'running', updated_at = pg_catalog.now()
   WHERE i.submitted_by OPERATOR(pg_catalog.=) ${ROLE} AND i.id OPERATOR(pg_catalog.=) $2::${T}
     AND i.status OPERATOR(pg_catalog.=) 'pending'`,
  T,
  T,
);
const relockStmt = stmt(
  `SELECT ${ACTIVATION_COLUMNS} FROM df.activations a
   WHERE a.owner OPERATOR(pg_catalog.=) ${ROLE} AND a.id OPERATOR(pg_catalog.=) $2::pg_catalog.int8 AND a.leaf AND NOT a.retired
   FOR NO KEY UPDATE OF a SKIP LOCKED`,
  T,
  T,
);
/**
 * Commits, before the step runs, what must be visible while it runs — that its instance is
 * running (the first step of an instance) and/or that a run starts (counted for roles with a
 * statement_timeout) — then claims the row again; null when another worker took it meanwhile.
 */
export function recordStart(db: Db, owner: string, act: ActivationRow, what: { countRun: boolean; markRunning: boolean }): ActivationRow | null {
  if (what.countRun) db.query(countRunStmt, [owner, act.id]);
  if (what.markRunning) db.query(markRunningStmt, [owner, act.instance_id]);
  db.commit();
  const rows = db.query(relockStmt, [owner, act.id]);
  return rows.length ? (rows[0] as unknown as ActivationRow) : null;
}

// The checkpoint's custom plans cost more to make than to run (planning a statement of
// ten CTEs for every step halves a worker's throughput), and its statements are written so
// that generic plans stay on the keys. No JIT either: statistics skewed by a wide JOIN (all
// its branches share one parent) push the checkpoint's estimate past jit_above_cost, and
// compiling it then costs tens of milliseconds on every step it takes well under one to run.
// Transaction-local, and set only after the user's step, so the step's own statements keep
// the session's settings.
const genericPlansStmt = stmt(
  `SELECT pg_catalog.set_config('plan_cache_mode', 'force_generic_plan', true), pg_catalog.set_config('jit', 'off', true)`,
);
export function useGenericPlans(db: Db): void {
  db.query(genericPlansStmt);
}

// Serialises all bookkeeping of one instance (workers finishing steps, cancel, signal). The
// id alone finds the row: row-level security hides other roles' instances from ordinary
// roles, and the owner it returns scopes every later statement.
const lockInstanceStmt = stmt(
  `SELECT i.status, i.submitted_by::pg_catalog.text AS owner FROM df.instances i
   WHERE i.id OPERATOR(pg_catalog.=) $1::${T}
   FOR NO KEY UPDATE OF i`,
  T,
);
export interface LockedInstance {
  status: string;
  owner: string;
}
/** Locks the instance row until the transaction ends; null when there is no such instance for this role. */
export function lockInstance(db: Db, instanceId: string): LockedInstance | null {
  const rows = db.query(lockInstanceStmt, [instanceId]);
  return rows.length ? (rows[0] as unknown as LockedInstance) : null;
}

const instanceStmt = stmt(
  `SELECT i.id::${T} AS id, i.label, i.vars::${T} AS vars, i.status, i.submitted_by::${T} AS submitted_by
   FROM df.instances i WHERE i.submitted_by OPERATOR(pg_catalog.=) ${ROLE} AND i.id OPERATOR(pg_catalog.=) $2::${T}`,
  T,
  T,
);
export function loadInstance(db: Db, owner: string, id: string): InstanceRow | null {
  const rows = db.query(instanceStmt, [owner, id]);
  return rows.length ? (rows[0] as unknown as InstanceRow) : null;
}

const NODE_COLUMNS = `n.id, n.parent_node AS parent, n.node_type, n.query, n.result_name, n.left_node, n.right_node,
  n.condition_node, n.extra_nodes, n.retry`;
const NODE_OF = `n.submitted_by OPERATOR(pg_catalog.=) ${ROLE} AND n.instance_id OPERATOR(pg_catalog.=) $2::${T}`;

const nodesStmt = stmt(`SELECT ${NODE_COLUMNS} FROM df.nodes n WHERE ${NODE_OF} ORDER BY n.id`, T, T);
const nodeStmt = stmt(
  `SELECT ${NODE_COLUMNS} FROM df.nodes n WHERE ${NODE_OF} AND n.id OPERATOR(pg_catalog.=) $3::pg_catalog.int4`,
  T,
  T,
  'pg_catalog.int4',
);
export function loadNode(db: Db, owner: string, instanceId: string, id: number): FlatNode | null {
  const rows = db.query(nodeStmt, [owner, instanceId, id]);
  return rows.length ? (rows[0] as unknown as FlatNode) : null;
}

/** The static graph of an instance, as df.start flattened it. */
export function loadNodes(db: Db, owner: string, instanceId: string): FlatNode[] {
  return db.query(nodesStmt, [owner, instanceId]) as unknown as FlatNode[];
}

const resultsStmt = stmt(
  `SELECT r.name, r.value::${T} AS value FROM df.results r
   WHERE r.owner OPERATOR(pg_catalog.=) ${ROLE} AND r.instance_id OPERATOR(pg_catalog.=) $2::${T}`,
  T,
  T,
);
export function loadResults(db: Db, owner: string, instanceId: string): { name: string; value: string }[] {
  return db.query(resultsStmt, [owner, instanceId]) as unknown as { name: string; value: string }[];
}

const branchResultsStmt = stmt(
  `SELECT b.branch, b.value::${T} AS value FROM df.branch_results b
   WHERE b.owner OPERATOR(pg_catalog.=) ${ROLE} AND b.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8`,
  T,
  T,
);
export function loadBranchResults(db: Db, owner: string, joinActivationId: string): Map<number, string> {
  return new Map(db.query(branchResultsStmt, [owner, joinActivationId]).map((r) => [r.branch as number, r.value as string]));
}

const nextIdsStmt = stmt(
  `SELECT pg_catalog.nextval('df.activations_id_seq'::pg_catalog.regclass)::${T} AS id
   FROM pg_catalog.generate_series(1, $1)`,
  'pg_catalog.int4',
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
  /** Activations settled or dropped; their live descendants are retired with them. */
  deletes: string[];
  nodes: string;
  results: string;
  /** Completed JOIN branches: [{activation_id, branch, value}]. */
  branches: string;
  /** MAP items arrived: [{activation_id, items: <row set>}]; settled items: [{activation_id, item, status, result}]. */
  mapItems: string;
  mapResults: string;
  /** Names bound inside MAP items: [{activation_id, name, value}]. */
  itemResults: string;
  /** The ids in `updates` and in `nodes`. */
  updatedActivationIds: string[];
  nodeIds: number[];
  instance: { status: string; result: string | null; error: string | null } | null;
}

const TERMINAL = `'{completed,failed,cancelled}'::${T}[]`;
/** What a node still running in a dropped subtree (a RACE loser, a branch left by a break) is stamped with. */
const LOST = `'{"reason":"dropped: the RACE or JOIN above it settled first"}'::pg_catalog.jsonb`;

// One statement for everything a step changes: every plv8 statement is a subtransaction
// with its own XID once it writes, so this keeps the checkpoint at one. Rows touched here
// are disjoint by construction. The id arrays ($12, $13) let the updates find their rows
// through the primary keys whatever the number of nodes of the instance (array conditions, so
// even a generic plan made while the tables were empty stays on the keys). $13 is bound as an
// array, not text: where a custom plan (df.start's) tests it as a filter, it then hashes it,
// so starting a JOIN of 10,000 branches does not compare every node with every id. Settled
// activations and dropped subtrees are retired (df._sweep() removes them later), skipping rows
// another worker has claimed: that worker's step finds its parent gone when it checkpoints,
// rolls back and retires its own row, so no two steps ever wait on each other's locks.
const checkpointStmt = stmt(
  `WITH RECURSIVE sub(id) AS (
     SELECT pg_catalog.unnest($5::pg_catalog.int8[])
     UNION
     SELECT c.id FROM sub, LATERAL (
       SELECT a.id FROM df.activations a
       WHERE a.owner OPERATOR(pg_catalog.=) $2::pg_catalog.regrole AND a.parent_id OPERATOR(pg_catalog.=) sub.id
         AND NOT a.retired
       OFFSET 0) c),
   doomed AS (
     SELECT x.id, x.node_id FROM df.activations x
     WHERE x.owner OPERATOR(pg_catalog.=) $2::pg_catalog.regrole AND NOT x.retired
       AND x.id OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT sub.id FROM sub))
     FOR NO KEY UPDATE OF x SKIP LOCKED),
   lost AS (
     UPDATE df.nodes n SET status = 'failed', status_details = ${LOST}, updated_at = pg_catalog.now()
     WHERE n.submitted_by OPERATOR(pg_catalog.=) $2::pg_catalog.regrole AND n.instance_id OPERATOR(pg_catalog.=) $1
       AND n.id OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT doomed.node_id FROM doomed))
       AND NOT n.id OPERATOR(pg_catalog.=) ANY ($13) AND n.status OPERATOR(pg_catalog.=) 'running'),
   del AS (
     UPDATE df.activations d SET retired = true
     WHERE d.owner OPERATOR(pg_catalog.=) $2::pg_catalog.regrole
       AND d.id OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT doomed.id FROM doomed))),
   ins AS (
     INSERT INTO df.activations (id, instance_id, node_id, parent_id, slot, leaf, wake_at, attempt, memo, owner)
     SELECT r.id, $1, r.node_id, r.parent_id, r.slot, r.leaf, coalesce(r.wake_at, pg_catalog.clock_timestamp()), r.attempt,
            coalesce(r.memo, '{}'::pg_catalog.json), $2::pg_catalog.regrole
     FROM pg_catalog.json_to_recordset($3::pg_catalog.json) AS r(id pg_catalog.int8, node_id pg_catalog.int4,
          parent_id pg_catalog.int8, slot ${T}, leaf pg_catalog.bool, wake_at pg_catalog.timestamptz,
          attempt pg_catalog.int4, memo pg_catalog.json)),
   upd AS (
     UPDATE df.activations a
     SET memo = coalesce(r.memo, a.memo), wake_at = coalesce(r.wake_at, a.wake_at), attempt = coalesce(r.attempt, a.attempt),
         runs = CASE WHEN r.attempt IS NULL THEN a.runs ELSE 0 END
     FROM pg_catalog.json_to_recordset($4::pg_catalog.json) AS r(id pg_catalog.int8, memo pg_catalog.json,
          wake_at pg_catalog.timestamptz, attempt pg_catalog.int4)
     WHERE a.owner OPERATOR(pg_catalog.=) $2::pg_catalog.regrole AND a.id OPERATOR(pg_catalog.=) ANY ($12::pg_catalog.int8[])
       AND a.id OPERATOR(pg_catalog.=) r.id),
   nod AS (
     UPDATE df.nodes n
     SET status = r.status, result = coalesce(r.result, n.result), status_details = coalesce(r.details, n.status_details),
         updated_at = pg_catalog.now()
     FROM pg_catalog.json_to_recordset($6::pg_catalog.json) AS r(id pg_catalog.int4, status ${T}, result pg_catalog.jsonb,
          details pg_catalog.jsonb)
     WHERE n.submitted_by OPERATOR(pg_catalog.=) $2::pg_catalog.regrole AND n.instance_id OPERATOR(pg_catalog.=) $1
       AND n.id OPERATOR(pg_catalog.=) ANY ($13) AND n.id OPERATOR(pg_catalog.=) r.id),
   res AS (
     INSERT INTO df.results (instance_id, name, value, owner)
     SELECT $1, r.name, r.value, $2::pg_catalog.regrole
     FROM pg_catalog.json_to_recordset($7::pg_catalog.json) AS r(name ${T}, value pg_catalog.json)
     ON CONFLICT (instance_id, name, owner) DO UPDATE SET value = excluded.value),
   br AS (
     INSERT INTO df.branch_results (activation_id, branch, value, owner)
     SELECT r.activation_id, r.branch, r.value, $2::pg_catalog.regrole
     FROM pg_catalog.json_to_recordset($11::pg_catalog.json) AS r(activation_id pg_catalog.int8, branch pg_catalog.int4,
          value pg_catalog.json)),
   mi AS (
     INSERT INTO df.map_items (activation_id, item, value, owner)
     SELECT r.activation_id, e.n::pg_catalog.int4, e.value, $2::pg_catalog.regrole
     FROM pg_catalog.json_to_recordset($14::pg_catalog.json) AS r(activation_id pg_catalog.int8, items pg_catalog.json),
          LATERAL pg_catalog.json_array_elements(r.items OPERATOR(pg_catalog.->) 'rows') WITH ORDINALITY AS e(value, n)),
   mr AS (
     INSERT INTO df.map_results (activation_id, item, status, result, owner)
     SELECT r.activation_id, r.item, r.status, r.result, $2::pg_catalog.regrole
     FROM pg_catalog.json_to_recordset($15::pg_catalog.json) AS r(activation_id pg_catalog.int8, item pg_catalog.int4,
          status ${T}, result pg_catalog.json)),
   ir AS (
     INSERT INTO df.item_results (activation_id, name, value, owner)
     SELECT r.activation_id, r.name, r.value, $2::pg_catalog.regrole
     FROM pg_catalog.json_to_recordset($16::pg_catalog.json) AS r(activation_id pg_catalog.int8, name ${T}, value pg_catalog.json)
     ON CONFLICT (activation_id, name, owner) DO UPDATE SET value = excluded.value),
   inst AS (
     UPDATE df.instances i
     SET status = $8, result = coalesce($9::pg_catalog.json, i.result), error = coalesce($10, i.error),
         updated_at = pg_catalog.now(),
         completed_at = CASE WHEN $8 OPERATOR(pg_catalog.=) 'completed' THEN pg_catalog.now() END
     WHERE i.submitted_by OPERATOR(pg_catalog.=) $2::pg_catalog.regrole AND i.id OPERATOR(pg_catalog.=) $1 AND $8 IS NOT NULL),
   sig AS (
     UPDATE df.signals s SET retired = true
     WHERE s.owner OPERATOR(pg_catalog.=) $2::pg_catalog.regrole AND s.instance_id OPERATOR(pg_catalog.=) $1
       AND NOT s.retired AND $8 OPERATOR(pg_catalog.=) ANY (${TERMINAL}))
   SELECT 1`,
  T, T, T, T, T, T, T, T, T, T, T, T, 'pg_catalog.int4[]', T, T, T,
);
export function writeCheckpoint(db: Db, w: CheckpointWrites): void {
  db.query(checkpointStmt, [
    w.instanceId, w.owner, w.inserts, w.updates, `{${w.deletes.join(',')}}`, w.nodes, w.results,
    w.instance?.status ?? null, w.instance?.result ?? null, w.instance?.error ?? null, w.branches,
    `{${w.updatedActivationIds.join(',')}}`, w.nodeIds, w.mapItems, w.mapResults, w.itemResults,
  ]);
}

// Ends an instance from outside its own steps (cancel, an engine failure, a dropped role):
// its pending work and kept signals are retired, nodes still running are marked failed, and the
// instance gets its terminal status. A leaf a worker is running right now is skipped: that
// step sees the terminal status when it checkpoints, rolls back and retires its row.
const endInstanceStmt = stmt(
  `WITH inst AS (
     UPDATE df.instances i SET status = $3, error = $4, updated_at = pg_catalog.now()
     WHERE i.submitted_by OPERATOR(pg_catalog.=) ${ROLE} AND i.id OPERATOR(pg_catalog.=) $2::${T}
       AND i.status OPERATOR(pg_catalog.=) ANY ('{pending,running}'::${T}[])
     RETURNING i.id),
   doomed AS (
     SELECT a.id FROM df.activations a
     WHERE a.owner OPERATOR(pg_catalog.=) ${ROLE} AND a.instance_id OPERATOR(pg_catalog.=) $2::${T} AND NOT a.retired
       AND EXISTS (SELECT FROM inst)
     FOR NO KEY UPDATE OF a SKIP LOCKED),
   work AS (
     UPDATE df.activations a SET retired = true
     WHERE a.owner OPERATOR(pg_catalog.=) ${ROLE} AND a.id OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT doomed.id FROM doomed))),
   sig AS (
     UPDATE df.signals s SET retired = true
     WHERE s.owner OPERATOR(pg_catalog.=) ${ROLE} AND s.instance_id OPERATOR(pg_catalog.=) $2::${T} AND NOT s.retired
       AND EXISTS (SELECT FROM inst)),
   running AS (
     UPDATE df.nodes n SET status = 'failed', result = pg_catalog.to_jsonb($5::${T}), updated_at = pg_catalog.now()
     WHERE n.submitted_by OPERATOR(pg_catalog.=) ${ROLE} AND n.instance_id OPERATOR(pg_catalog.=) $2::${T}
       AND n.status OPERATOR(pg_catalog.=) 'running' AND EXISTS (SELECT FROM inst))
   SELECT pg_catalog.count(*)::pg_catalog.int4 AS n FROM inst`,
  T, T, T, T, T,
);
/** True when the instance was still pending or running (and is now ended). */
export function endInstance(
  db: Db, owner: string, id: string, status: 'cancelled' | 'failed', error: string, nodeResult: string,
): boolean {
  return (db.query(endInstanceStmt, [owner, id, status, error, nodeResult])[0].n as number) === 1;
}

// A claimed leaf whose step may not commit (its instance ended, or a RACE or JOIN above it
// settled without it) retires its own row, once its step has rolled back.
const dropStaleStmt = stmt(
  `WITH stale AS (
   UPDATE df.activations a SET retired = true
   WHERE a.owner OPERATOR(pg_catalog.=) ${ROLE} AND a.id OPERATOR(pg_catalog.=) $2::pg_catalog.int8 AND NOT a.retired
     AND (NOT EXISTS (SELECT FROM df.instances i
                      WHERE i.submitted_by OPERATOR(pg_catalog.=) a.owner AND i.id OPERATOR(pg_catalog.=) a.instance_id
                        AND i.status OPERATOR(pg_catalog.=) ANY ('{pending,running}'::${T}[]))
          OR (a.parent_id IS NOT NULL
              AND NOT EXISTS (SELECT FROM df.activations p
                              WHERE p.owner OPERATOR(pg_catalog.=) a.owner AND p.id OPERATOR(pg_catalog.=) a.parent_id
                                AND NOT p.retired)))
   RETURNING a.instance_id, a.node_id)
   UPDATE df.nodes n SET status = 'failed', status_details = ${LOST}, updated_at = pg_catalog.now()
   FROM stale
   WHERE n.submitted_by OPERATOR(pg_catalog.=) ${ROLE} AND n.instance_id OPERATOR(pg_catalog.=) stale.instance_id
     AND n.id OPERATOR(pg_catalog.=) stale.node_id AND n.status OPERATOR(pg_catalog.=) 'running'`,
  T,
  T,
);
export function dropStaleActivation(db: Db, owner: string, id: string): void {
  db.query(dropStaleStmt, [owner, id]);
}

const takeSignalStmt = stmt(
  `UPDATE df.signals s SET retired = true
   WHERE s.owner OPERATOR(pg_catalog.=) ${ROLE} AND s.id OPERATOR(pg_catalog.=) (
     SELECT k.id FROM df.signals k
     WHERE k.owner OPERATOR(pg_catalog.=) ${ROLE} AND k.instance_id OPERATOR(pg_catalog.=) $2::${T}
       AND k.name OPERATOR(pg_catalog.=) $3::${T} AND NOT k.retired
     ORDER BY k.id LIMIT 1)
   RETURNING s.data::${T} AS data`,
  T,
  T,
  T,
);
/** Consumes the oldest buffered signal of that name, if any. */
export function takeBufferedSignal(db: Db, owner: string, instanceId: string, name: string): string | null {
  const rows = db.query(takeSignalStmt, [owner, instanceId, name]);
  return rows.length ? ((rows[0].data as string | null) ?? 'null') : null;
}
