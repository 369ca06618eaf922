// Dispatch (spec/outside-steps.md §1), the runners' side. A runner is a session
// authenticated as the owner of the work. It leases dispatched activations in a short
// transaction and commits (claim), does the work with no pg_durable transaction open, and
// completes it with one call that runs the normal checkpoint after checking that the
// activation is still the one it leased. A runner that dies leaves its lease to expire; the
// work is then claimable again with the same idempotency key: outside steps are at-least-once.
import { type Db, stmt } from './db.js';
import type { EngineSession } from './session.js';
import { ownRole } from './identity.js';
import { DfError, SQLSTATE } from './errors.js';
import { Superseded } from './checkpoint.js';
import { checkpointStep } from './settle-step.js';
import { completed, failed, type Outcome } from './outcome.js';
import * as store from './store.js';

/** How long a lease outlives the work's own time bound: a runner's completion call and some slack. */
const LEASE_GRACE_SECONDS = 10;
/** Work without a time bound of its own (statements) holds a lease this long and renews it. */
const UNBOUNDED_LEASE_SECONDS = 60;
const MAX_CLAIM = 1000;
const KINDS: readonly string[] = ['http', 'statement'];

const T = 'pg_catalog.text';
const R = 'pg_catalog.regrole';

// Work is still wanted while its activation is live and parked and its instance runs: cancelled
// work and race losers are neither handed out nor renewed, nor followed up (cron-statements.ts).
// (d is the dispatch row.)
export const STILL_WANTED = `EXISTS (SELECT FROM df.activations a
                   WHERE a.owner OPERATOR(pg_catalog.=) d.owner AND a.id OPERATOR(pg_catalog.=) d.activation_id
                     AND NOT a.retired AND a.wake_at OPERATOR(pg_catalog.=) 'infinity'::pg_catalog.timestamptz)
       AND EXISTS (SELECT FROM df.instances i
                   WHERE i.submitted_by OPERATOR(pg_catalog.=) d.owner AND i.id OPERATOR(pg_catalog.=) d.instance_id
                     AND i.status OPERATOR(pg_catalog.=) ANY ('{pending,running}'::${T}[]))`;
/** A lease's end from now: the work's own time bound, or the renewable term, plus the grace. */
const LEASE_END = `pg_catalog.clock_timestamp() OPERATOR(pg_catalog.+) pg_catalog.make_interval(secs =>
           coalesce((d.request OPERATOR(pg_catalog.->>) 'timeout_seconds')::pg_catalog.int4, ${UNBOUNDED_LEASE_SECONDS})
           OPERATOR(pg_catalog.+) ${LEASE_GRACE_SECONDS})`;

// Oldest first; a lease that ran out counts as expired (a released one does not). Only live,
// parked activations of instances still running qualify: cancelled work and race losers are
// never performed.
const claimStmt = stmt(
  `WITH c AS (
     SELECT d.activation_id FROM df.dispatches d
     WHERE d.owner OPERATOR(pg_catalog.=) $1::${R} AND d.kind OPERATOR(pg_catalog.=) $2::${T}
       AND (d.lease_until IS NULL OR d.lease_until OPERATOR(pg_catalog.<) pg_catalog.clock_timestamp())
       AND ${STILL_WANTED}
     ORDER BY d.dispatched_at
     LIMIT $4::pg_catalog.int4
     FOR NO KEY UPDATE OF d SKIP LOCKED),
   upd AS (
     UPDATE df.dispatches d
     SET lease_token = pg_catalog.gen_random_uuid(), runner = $3::${T}, leases = d.leases OPERATOR(pg_catalog.+) 1,
         expired_leases = d.expired_leases OPERATOR(pg_catalog.+) (d.lease_token IS NOT NULL)::pg_catalog.int4,
         lease_until = ${LEASE_END}
     FROM c WHERE d.owner OPERATOR(pg_catalog.=) $1::${R} AND d.activation_id OPERATOR(pg_catalog.=) c.activation_id
     RETURNING d.*),
   nod AS (
     UPDATE df.nodes n
     SET status_details = n.status_details OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
           'lease_until', upd.lease_until, 'runner', upd.runner, 'leases', upd.leases, 'expired_leases', upd.expired_leases),
         updated_at = pg_catalog.now()
     FROM upd
     WHERE n.submitted_by OPERATOR(pg_catalog.=) $1::${R} AND n.instance_id OPERATOR(pg_catalog.=) upd.instance_id
       AND n.id OPERATOR(pg_catalog.=) upd.node_id)
   SELECT upd.activation_id::${T} AS activation_id, upd.lease_token::${T} AS lease_token, upd.instance_id::${T} AS instance_id,
          upd.node_id, upd.attempt, upd.lease_until::${T} AS lease_until, upd.request::${T} AS request,
          upd.idempotency_key
   FROM upd ORDER BY upd.dispatched_at`,
  T, T, T, 'pg_catalog.int4',
);
const policyStmt = stmt(`SELECT df.http_policy()::${T} AS policy`);
const mayUseStmt = stmt(
  `SELECT pg_catalog.has_function_privilege($1::${R}::pg_catalog.oid,
     'df.http(pg_catalog.text,pg_catalog.text,pg_catalog.text,pg_catalog.jsonb,pg_catalog.int4)', 'EXECUTE') AS http,
   pg_catalog.has_function_privilege($1::${R}::pg_catalog.oid,
     'df.http_multipart(pg_catalog.text,pg_catalog.text,pg_catalog.jsonb,pg_catalog.jsonb,pg_catalog.int4)', 'EXECUTE') AS multipart`,
  T,
);

interface Claimed {
  activation_id: string;
  lease_token: string;
  instance_id: string;
  node_id: number;
  attempt: number;
  lease_until: string;
  request: string;
  idempotency_key: string;
}

/** Leases up to `maxCount` of the session role's dispatched work of `kind`; JSON text of the claimed rows. */
export function claim(session: EngineSession, kind: string | null, runner: string | null, maxCount: number | null): string {
  const { db } = session;
  const who = ownRole(db, 'df.claim_dispatched');
  if (kind === null || !KINDS.includes(kind)) {
    throw new DfError(SQLSTATE.invalidParameterValue, `kind must be one of ${KINDS.join(', ')}, got ${kind === null ? 'NULL' : `'${kind}'`}`);
  }
  if (maxCount === null || !Number.isInteger(maxCount) || maxCount < 1 || maxCount > MAX_CLAIM) {
    throw new DfError(SQLSTATE.invalidParameterValue, `max_count must be a whole number from 1 to ${MAX_CLAIM}, got ${maxCount}`);
  }
  const rows = db.query(claimStmt, [who.me, kind, (runner ?? '').slice(0, 200) || null, maxCount]) as unknown as Claimed[];
  if (!rows.length) return '[]';
  const out: unknown[] = [];
  if (kind === 'http') {
    const policy = JSON.parse(db.query(policyStmt)[0].policy as string) as unknown;
    const may = db.query(mayUseStmt, [who.me])[0] as { http: boolean; multipart: boolean };
    for (const row of rows) {
      const request = JSON.parse(row.request) as { type: string };
      const multipart = request.type === 'HTTP_MULTIPART';
      if (!(multipart ? may.multipart : may.http)) {
        // Revoking EXECUTE stops the role's next requests, even of workflows started before.
        const fn = multipart ? 'df.http_multipart()' : 'df.http()';
        settle(session, who.me, row.activation_id, row.lease_token, null,
          `Blocked: role '${who.cur}' does not have EXECUTE privilege on ${fn}; an administrator grants it with df.grant_usage(role, include_http => true)`, 0);
        continue;
      }
      out.push(withRequest(row, { ...request, idempotency_key: row.idempotency_key, user_agent: `pg_durable/${PG_DURABLE_VERSION}`, policy }));
    }
  } else {
    for (const row of rows) out.push(withRequest(row, { ...(JSON.parse(row.request) as object), idempotency_key: row.idempotency_key }));
  }
  return JSON.stringify(out);
}

function withRequest(row: Claimed, request: object): object {
  const { idempotency_key: _key, ...rest } = row;
  return { ...rest, request };
}

/** Settles leased work with its result (JSON text) or error; what happened, in words. */
export function complete(
  session: EngineSession, activationId: string | null, token: string | null, result: string | null, error: string | null,
  retryAfterSeconds: number | null,
): string {
  const { me } = ownRole(session.db, 'df.complete_dispatched');
  if (activationId === null || token === null) {
    throw new DfError(SQLSTATE.invalidParameterValue, 'df.complete_dispatched needs the activation_id and lease_token a claim returned');
  }
  if ((result === null) === (error === null)) {
    throw new DfError(SQLSTATE.invalidParameterValue, 'df.complete_dispatched takes exactly one of result and error');
  }
  if (retryAfterSeconds !== null && !(retryAfterSeconds >= 0)) {
    throw new DfError(SQLSTATE.invalidParameterValue, `retry_after_seconds must be zero or more, got ${retryAfterSeconds}`);
  }
  return settle(session, me, activationId, token, result, error, Math.min(retryAfterSeconds ?? 0, MAX_RETRY_AFTER_SECONDS));
}

/** A server's Retry-After is honoured up to an hour: a hostile one cannot park work for years. */
const MAX_RETRY_AFTER_SECONDS = 3600;

// The lease and its activation, locked in the worker's order (activation, then instance).
const leaseStmt = stmt(
  `SELECT d.instance_id::${T} AS instance_id, d.node_id, d.lease_token::${T} AS lease_token, a.retired,
          a.wake_at OPERATOR(pg_catalog.=) 'infinity'::pg_catalog.timestamptz AS parked
   FROM df.dispatches d JOIN df.activations a
     ON a.owner OPERATOR(pg_catalog.=) d.owner AND a.id OPERATOR(pg_catalog.=) d.activation_id
   WHERE d.owner OPERATOR(pg_catalog.=) $1::${R} AND d.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8
   FOR NO KEY UPDATE OF d, a`,
  T, T,
);
const endLeaseStmt = stmt(
  `UPDATE df.dispatches d SET lease_token = NULL, lease_until = NULL
   WHERE d.owner OPERATOR(pg_catalog.=) $1::${R} AND d.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8
     AND d.lease_token OPERATOR(pg_catalog.=) $3::pg_catalog.uuid`,
  T, T, T,
);

/** `me`: the session's role, as its caller checked it. */
function settle(
  session: EngineSession, me: string, activationId: string, token: string, result: string | null, error: string | null, minDelay: number,
): string {
  const { db } = session;
  const lease = db.query(leaseStmt, [me, activationId])[0] as
    | { instance_id: string; node_id: number; lease_token: string | null; retired: boolean; parked: boolean }
    | undefined;
  if (lease === undefined || lease.lease_token !== token) {
    return 'discarded: this lease is no longer held (it ran out and another runner took the work, or it was released)';
  }
  if (lease.retired || !lease.parked) {
    return 'discarded: the step was dropped (its instance ended, or a RACE or JOIN above it settled first)';
  }
  const locked = store.lockInstance(db, lease.instance_id);
  if (locked === null || (locked.status !== 'pending' && locked.status !== 'running')) {
    return `discarded: instance ${lease.instance_id} is ${locked?.status ?? 'gone'}`;
  }
  session.refreshSettings();
  const inst = session.instances.get(db, me, lease.instance_id);
  const act = store.loadActivation(db, me, activationId);
  if (inst === null || act === null) return 'discarded: the step was dropped';
  const node = inst.node(lease.node_id);
  const outcome = error !== null ? failed(error) : boundedResult(result!, session.settings.maxResultBytes);
  store.useGenericPlans(db);
  try {
    checkpointStep(session, inst, act, node, outcome, locked.status, minDelay);
  } catch (e) {
    if (!(e instanceof Superseded)) throw e;
    store.dropStaleActivation(db, me, activationId);
    return 'discarded: a RACE or JOIN above the step settled first';
  }
  db.query(endLeaseStmt, [me, activationId, token]);
  if (outcome.kind === 'completed') return 'completed';
  if (outcome.kind !== 'failed') return outcome.kind;
  const retrying = node.retry !== null && act.attempt < node.retry.max_attempts;
  return `${retrying ? 'retrying' : 'failed'}: ${outcome.error}`;
}

function boundedResult(result: string, maxResultBytes: number): Outcome {
  const bytes = utf8Length(result);
  return bytes > maxResultBytes
    ? failed(`the result exceeds pg_durable.max_result_bytes (${maxResultBytes} bytes): it is ${bytes} bytes`)
    : completed(result);
}

/** UTF-8 length without TextEncoder, which plv8 lacks. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // a surrogate pair: one four-byte character
      i += 1;
    } else n += 3;
  }
  return n;
}

const releaseStmt = stmt(
  `WITH r AS (
     UPDATE df.dispatches d SET lease_token = NULL, lease_until = NULL
     WHERE d.owner OPERATOR(pg_catalog.=) $1::${R} AND d.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8
       AND d.lease_token OPERATOR(pg_catalog.=) $3::pg_catalog.uuid
     RETURNING d.instance_id, d.node_id)
   UPDATE df.nodes n SET status_details = n.status_details OPERATOR(pg_catalog.||) '{"lease_until":null,"runner":null}'::pg_catalog.jsonb
   FROM r WHERE n.submitted_by OPERATOR(pg_catalog.=) $1::${R} AND n.instance_id OPERATOR(pg_catalog.=) r.instance_id
     AND n.id OPERATOR(pg_catalog.=) r.node_id
   RETURNING 1`,
  T, T, T,
);

/** Gives a lease back (a runner stopping), so another runner takes the work at once. */
export function release(db: Db, activationId: string | null, token: string | null): boolean {
  const me = ownRole(db, 'df.release_dispatched').me;
  if (activationId === null || token === null) return false;
  return db.query(releaseStmt, [me, activationId, token]).length > 0;
}

// A lease is held while its token is the current one, its activation is still parked and
// its instance still runs: a cancelled instance or a race lost makes renewal answer NULL, so
// the runner stops the work instead of finishing it for nothing. The new term is the claim's.
const renewStmt = stmt(
  `WITH r AS (
     UPDATE df.dispatches d
     SET lease_until = ${LEASE_END}
     WHERE d.owner OPERATOR(pg_catalog.=) $1::${R} AND d.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8
       AND d.lease_token OPERATOR(pg_catalog.=) $3::pg_catalog.uuid
       AND ${STILL_WANTED}
     RETURNING d.instance_id, d.node_id, d.lease_until),
   nod AS (
     UPDATE df.nodes n
     SET status_details = n.status_details OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('lease_until', r.lease_until)
     FROM r WHERE n.submitted_by OPERATOR(pg_catalog.=) $1::${R} AND n.instance_id OPERATOR(pg_catalog.=) r.instance_id
       AND n.id OPERATOR(pg_catalog.=) r.node_id)
   SELECT r.lease_until::${T} AS lease_until FROM r`,
  T, T, T,
);

/** Extends a held lease (work without a time bound of its own renews while it runs); its new end, or null when it is no longer held. */
export function renew(db: Db, activationId: string | null, token: string | null): string | null {
  const me = ownRole(db, 'df.renew_dispatched').me;
  if (activationId === null || token === null) return null;
  return (db.query(renewStmt, [me, activationId, token])[0]?.lease_until as string | undefined) ?? null;
}
