// Dispatch (spec/outside-steps.md §1), the worker's side: a leaf whose work cannot run in the
// step transaction resolves its request, and the step's checkpoint records it and parks the
// activation at wake_at 'infinity', where no worker claims it. Runners take it from there
// (runners.ts).
import { type Db, stmt } from './db.js';

export type DispatchKind = 'http' | 'statement';

/** What a leaf asks a runner to do instead of settling. */
export interface Dispatch {
  kind: 'dispatch';
  work: DispatchKind;
  /** The resolved request, JSON text. */
  request: string;
}

export const dispatched = (work: DispatchKind, request: string): Dispatch => ({ kind: 'dispatch', work, request });

/**
 * Stable for the logical request: the same across lease expiries and df.retry attempts (the
 * activation keeps its id through both), distinct per instance, node and loop iteration (each
 * iteration is a new activation).
 */
export function idempotencyKey(instanceId: string, nodeId: number, activationId: string): string {
  return `pg_durable-${instanceId}-${nodeId}-${activationId}`;
}

const T = 'pg_catalog.text';
// One statement (one XID): the request, the parked activation and what monitoring shows. A
// retry dispatches again into the same row and starts its lease counters afresh.
const recordStmt = stmt(
  `WITH d AS (
     INSERT INTO df.dispatches AS d (activation_id, instance_id, node_id, kind, request, idempotency_key, attempt, owner)
     VALUES ($2::pg_catalog.int8, $3::${T}, $4::pg_catalog.int4, $5::${T}, $6::pg_catalog.json, $7::${T},
             $8::pg_catalog.int4, $1::pg_catalog.regrole)
     ON CONFLICT (activation_id, owner) DO UPDATE
       SET request = excluded.request, attempt = excluded.attempt, dispatched_at = pg_catalog.now(),
           lease_token = NULL, lease_until = NULL, runner = NULL, leases = 0, expired_leases = 0
     RETURNING d.dispatched_at),
   park AS (
     UPDATE df.activations a SET wake_at = 'infinity'
     WHERE a.owner OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND a.id OPERATOR(pg_catalog.=) $2::pg_catalog.int8)
   UPDATE df.nodes n
   SET status = 'running', updated_at = pg_catalog.now(),
       status_details = pg_catalog.jsonb_build_object('dispatched', $5::${T}, 'dispatched_at', (SELECT d.dispatched_at FROM d),
         'attempt', $8::pg_catalog.int4, 'lease_until', NULL, 'runner', NULL, 'leases', 0, 'expired_leases', 0)
   WHERE n.submitted_by OPERATOR(pg_catalog.=) $1::pg_catalog.regrole AND n.instance_id OPERATOR(pg_catalog.=) $3::${T}
     AND n.id OPERATOR(pg_catalog.=) $4::pg_catalog.int4`,
  T, T, T, 'pg_catalog.int4', T, T, T, 'pg_catalog.int4',
);

export interface DispatchTarget {
  owner: string;
  activationId: string;
  instanceId: string;
  nodeId: number;
  attempt: number;
}

export function recordDispatch(db: Db, t: DispatchTarget, d: Dispatch): void {
  db.query(recordStmt, [
    t.owner, t.activationId, t.instanceId, t.nodeId, d.work, d.request, idempotencyKey(t.instanceId, t.nodeId, t.activationId), t.attempt,
  ]);
}
