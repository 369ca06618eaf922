// df.work: the worker loop. Each step is one transaction: claim a due leaf activation,
// run it, take the instance's lock, check the activation is still wanted (not cancelled,
// not a race loser), checkpoint, commit. A crash anywhere rolls all of it back.
import { stmt } from './db.js';
import type { EngineSession } from './session.js';
import { Checkpoint } from './checkpoint.js';
import { databaseReads } from './reads.js';
import { runLeaf } from './leaf.js';
import { messageOf } from './sql-step.js';
import * as store from './store.js';

export interface WorkOptions {
  maxSeconds: number;
  idlePollMs: number;
  maxSteps: number | null;
}

const whoStmt = stmt(
  `SELECT current_user::text AS cur, session_user::text AS ses, r.rolsuper AS super,
          coalesce(current_setting('pg_durable.enable_superuser_instances', true), 'off') IN ('on', 'true', '1') AS allow_super
   FROM pg_roles r WHERE r.rolname = current_user`,
);
const sleepStmt = stmt(`SELECT pg_sleep($1)`, 'float8');
const IDLE_COMMIT_MS = 1000;

/** Runs steps of the current role's instances until time or maxSteps is up; returns the steps run. */
export function work(session: EngineSession, opts: WorkOptions): number {
  const { db } = session;
  const who = db.query(whoStmt)[0] as { cur: string; ses: string; super: boolean; allow_super: boolean };
  if (who.cur !== who.ses) {
    throw new Error(
      `df.work must run in a session authenticated as the role whose workflows it runs (current_user ${who.cur}, session_user ${who.ses}): connect as ${who.cur} instead of using SET ROLE`,
    );
  }
  if (who.super && !who.allow_super) {
    throw new Error('df.work refuses to run as a superuser: set pg_durable.enable_superuser_instances = on to allow it');
  }
  session.clock.refresh(db);
  const deadline = Date.now() + opts.maxSeconds * 1000;
  let steps = 0;
  let lastCommit = Date.now();
  while (Date.now() < deadline && (opts.maxSteps === null || steps < opts.maxSteps)) {
    const act = store.claim(db, who.cur, session.clock.now());
    if (act === null) {
      if (Date.now() - lastCommit > IDLE_COMMIT_MS) {
        db.commit();
        lastCommit = Date.now();
      }
      db.query(sleepStmt, [opts.idlePollMs / 1000]);
      continue;
    }
    if (runClaimed(session, act)) steps += 1;
    lastCommit = Date.now();
  }
  db.commit();
  return steps;
}

/** One step, committed or rolled back before it returns; true when a step was checkpointed. */
export function runClaimed(session: EngineSession, act: store.ActivationRow): boolean {
  const { db } = session;
  try {
    const inst = session.instances.get(db, act.instance_id);
    if (!inst) {
      db.commit();
      return false;
    }
    // The claim's snapshot may predate another worker's commit of this very activation:
    // check with a fresh one before running the step, so no step runs twice for nothing
    // (and holds row locks the next step of the instance would wait for).
    if (!stillAsClaimed(act, store.recheck(db, act.id))) {
      db.commit();
      return false;
    }
    const node = inst.node(act.node_id);
    const memo = JSON.parse(act.memo) as Record<string, unknown>;
    session.inStep = true;
    let outcome;
    try {
      outcome = runLeaf(db, inst, node, memo, session.clock.now());
    } finally {
      session.inStep = false;
    }

    store.lockInstance(db, inst.id);
    const fresh = store.recheck(db, act.id);
    if (!stillAsClaimed(act, fresh)) {
      // Cancelled, a race loser, settled or rescheduled by another worker since the claim's
      // snapshot, or a signal arrived meanwhile: the effects must not commit (a changed
      // activation runs again).
      db.rollback();
      return false;
    }
    const cp = new Checkpoint(databaseReads(db, inst), session.clock.now(), session.nextId);
    if (fresh.status === 'pending') cp.setInstanceStatus('running');
    const retry = node.retry;
    if (outcome.kind === 'failed' && retry && act.attempt < retry.max_attempts) {
      const delay = Math.min(retry.delay_seconds * retry.backoff ** (act.attempt - 1), retry.max_delay_seconds);
      cp.reschedule(act, new Date(cp.now.getTime() + delay * 1000), act.attempt + 1, outcome.error);
    } else {
      cp.settle(act, outcome);
    }
    store.writeCheckpoint(db, cp.writes());
    db.commit();
    return true;
  } catch (e) {
    db.rollback();
    failInstance(session, act.instance_id, `internal error in pg_durable: ${messageOf(e)}`);
    return false;
  }
}

function stillAsClaimed(claimed: store.ActivationRow, fresh: store.Recheck | null): fresh is store.Recheck {
  return fresh !== null && fresh.memo === claimed.memo && fresh.attempt === claimed.attempt;
}

/** Ends an instance that the engine itself cannot advance, so no step is retried forever. */
function failInstance(session: EngineSession, instanceId: string, error: string): void {
  const { db } = session;
  store.lockInstance(db, instanceId);
  store.endInstance(db, instanceId, 'failed', error, error);
  db.commit();
}
