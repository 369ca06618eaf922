// df.work: the worker loop. Each step is one transaction: claim a due leaf activation (a row
// lock), run it, lock the instance, check the step may still commit (the instance has not
// ended, no RACE or JOIN above it settled without it), checkpoint, commit. A crash anywhere
// rolls all of it back.
import { stmt } from './db.js';
import { ownRole, type Who } from './identity.js';
import type { EngineSession } from './session.js';
import { Superseded } from './checkpoint.js';
import { checkpointStep, markRunning } from './settle-step.js';
import { recordDispatch } from './dispatch.js';
import { runLeaf } from './leaf.js';
import { messageOf } from './sql-step.js';
import { DfError, SQLSTATE, isInterruption, isTransient } from './errors.js';
import { failed } from './outcome.js';
import * as store from './store.js';
import * as upkeep from './upkeep.js';
import { InServerStatements } from './in-server-statements.js';
import { ClaimOrder } from './claim-order.js';

export interface WorkOptions {
  maxSeconds: number;
  idlePollMs: number;
  maxSteps: number | null;
}

const sleepStmt = stmt(`SELECT pg_catalog.pg_sleep($1)`, 'pg_catalog.float8');
const IDLE_COMMIT_MS = 1000;
/** Text one df.work call may bind before it ends (real plv8 frees arguments only when the CALL ends). */
const CALL_BOUND_CHARS = 64 * 1024 * 1024;
/** How often a running worker records that it is alive (df.start warns when none was seen for 90 s). */
const HEARTBEAT_MS = 30_000;
/** How often a worker looks after the role's statements that run inside the server (loopback, pg_cron). */
const IN_SERVER_STATEMENTS_MS = 1000;
/** Steps between two sweeps of retired rows (each sweep is one more write transaction). */
const SWEEP_EVERY = 256;
/** A pause after a transient failure, so a worker does not spin on the same activation. */
const TRANSIENT_PAUSE_S = 0.05;

/**
 * What would stop df.work before it runs a step: bad arguments, a session that is not the
 * role's own, a superuser, a statement_timeout too short for any step. df.work checks it
 * before it starts, so the refusal reaches the caller as a native error (see plv8/reply.ts).
 */
export function checkWorkerSession(session: EngineSession, maxSeconds: number | null, idlePollMs: number | null): null {
  checkedWorker(session, maxSeconds, idlePollMs);
  return null;
}

function checkedWorker(session: EngineSession, maxSeconds: number | null, idlePollMs: number | null): Who {
  if (maxSeconds === null || !(maxSeconds > 0)) {
    throw new DfError(SQLSTATE.invalidParameterValue, `max_seconds must be positive, got ${maxSeconds}`);
  }
  if (idlePollMs === null || !(idlePollMs >= 1)) {
    throw new DfError(SQLSTATE.invalidParameterValue, `idle_poll_ms must be at least 1, got ${idlePollMs}`);
  }
  const who = ownRole(session.db, 'df.work');
  if (budgetMs(who, maxSeconds) <= 0) {
    throw new DfError(
      SQLSTATE.invalidParameterValue,
      `df.work cannot run steps within this session's statement_timeout (${who.timeout_ms} ms)`,
      "Set a longer statement_timeout for the worker's session or role, or 0.",
    );
  }
  return who;
}

/** How long the loop may run: statement_timeout covers the whole CALL, so end before it fires. */
function budgetMs(who: Who, maxSeconds: number): number {
  const timeoutMs = Number(who.timeout_ms);
  return Math.min(maxSeconds * 1000, timeoutMs > 0 ? timeoutMs - new InterruptionGuard(timeoutMs).marginMs : Infinity);
}

/** Runs steps of the current role's instances until time or maxSteps is up; returns the steps run. */
export function work(session: EngineSession, opts: WorkOptions): number {
  const { db } = session;
  const who = checkedWorker(session, opts.maxSeconds, opts.idlePollMs);
  session.refreshSettings();
  // Housekeeping no role could do for others: instances of dropped roles, retired rows.
  housekeeping(session, upkeep.failOrphans);
  housekeeping(session, upkeep.sweep);
  housekeeping(session, upkeep.heartbeat);
  let lastBeat = Date.now();
  const statements = new InServerStatements(who.cur);
  let lastStatements = 0;
  const timeoutMs = Number(who.timeout_ms);
  const guard = timeoutMs > 0 ? new InterruptionGuard(timeoutMs) : null;
  const callStart = Date.now();
  const deadline = callStart + budgetMs(who, opts.maxSeconds);
  let steps = 0;
  let unswept = 0;
  const order = new ClaimOrder();
  let lastCommit = Date.now();
  const boundAtStart = db.boundChars;
  while (
    Date.now() < deadline &&
    (opts.maxSteps === null || steps < opts.maxSteps) &&
    db.boundChars - boundAtStart < CALL_BOUND_CHARS
  ) {
    if (unswept >= SWEEP_EVERY) {
      housekeeping(session, upkeep.sweep);
      unswept = 0;
    }
    if (Date.now() - lastBeat > HEARTBEAT_MS) {
      housekeeping(session, upkeep.heartbeat);
      lastBeat = Date.now();
    }
    if (Date.now() - lastStatements > IN_SERVER_STATEMENTS_MS) {
      housekeeping(session, () => statements.tick(session));
      lastStatements = Date.now();
    }
    const act = transientAsNull(session, () => order.claim(db, who.me, session.clock.now()));
    if (act === null) {
      // With one snapshot per transaction, an idle worker must commit to see new work.
      if (who.isolation !== 'read committed' || Date.now() - lastCommit > IDLE_COMMIT_MS) {
        if (unswept > 0) housekeeping(session, upkeep.sweep);
        else db.commit();
        unswept = 0;
        lastCommit = Date.now();
      }
      db.query(sleepStmt, [Math.min(opts.idlePollMs, Math.max(1, deadline - Date.now())) / 1000]);
      continue;
    }
    if (runClaimed(session, who, act, guard)) {
      steps += 1;
      unswept += 1;
    }
    lastCommit = Date.now();
  }
  // A statement this session sent through the loopback is seen to its end, within what the
  // session's statement_timeout leaves (its outcome would be lost with the session).
  const hardDeadline = guard ? callStart + guard.timeoutMs - guard.marginMs : Infinity;
  statements.finish(session, hardDeadline, () => db.query(sleepStmt, [0.2]));
  db.commit();
  return steps;
}

/**
 * Runs `fn`; a transient failure (serialization failure, deadlock, lock timeout: the role's
 * isolation level or lock settings meeting another worker) rolls the transaction back and
 * yields null, after a short pause so the worker does not spin.
 */
function transientAsNull<T>(session: EngineSession, fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (!isTransient(e)) throw e;
    session.db.rollback();
    session.db.query(sleepStmt, [TRANSIENT_PAUSE_S * (1 + Math.random())]);
    return null;
  }
}

/** One housekeeping statement in a transaction of its own. */
function housekeeping(session: EngineSession, fn: (db: EngineSession['db']) => void): void {
  transientAsNull(session, () => {
    fn(session.db);
    session.db.commit();
  });
}

/**
 * With a statement_timeout, a step longer than it would be cancelled and retried forever,
 * unseen. So each such step first commits a count of its runs; a step found interrupted
 * MAX times fails with an explanation instead of running again. Costs one more commit per
 * step, only for roles whose sessions have a statement_timeout.
 */
class InterruptionGuard {
  static readonly MAX = 3;
  readonly marginMs: number;
  constructor(readonly timeoutMs: number) {
    this.marginMs = Math.max(100, timeoutMs / 10);
  }
  message(): string {
    return `the step was interrupted ${InterruptionGuard.MAX} times before it could finish; this role's statement_timeout (${this.timeoutMs} ms) is probably shorter than the step: raise it for the role (ALTER ROLE … SET statement_timeout) or split the step`;
  }
}

/** One step, committed or rolled back before it returns; true when a step was checkpointed. */
function runClaimed(session: EngineSession, who: Who, claimed: store.ActivationRow, guard: InterruptionGuard | null): boolean {
  const { db } = session;
  const owner = who.me;
  let act = claimed;
  try {
    const inst = session.instances.get(db, owner, act.instance_id);
    if (!inst) {
      // Cannot happen through the engine (the row's key ties it to its owner's instance);
      // a hand-written row is removed so it cannot sit at the head of the queue.
      store.dropStaleActivation(db, owner, act.id);
      db.commit();
      return false;
    }
    // The instance is running as soon as its first step starts (a commit once per instance). Not
    // under SERIALIZABLE: that write would make the role's own df.start calls fail to serialize;
    // there the first checkpoint marks it.
    const startRunning = act.instance_status === 'pending' && who.isolation !== 'serializable';
    if (guard || startRunning) {
      const again = store.recordStart(db, owner, act, { countRun: guard !== null, markRunning: startRunning });
      if (again === null) return false;
      act = again;
    }
    const interrupted = guard !== null && act.runs > InterruptionGuard.MAX;
    const node = inst.node(act.node_id);
    const memo = JSON.parse(act.memo) as Record<string, unknown>;
    session.inStep = true;
    let outcome;
    try {
      outcome = interrupted ? failed(guard!.message()) : runLeaf(db, inst, node, memo, session.clock.now(), session.settings.maxResultBytes);
    } finally {
      session.inStep = false;
    }

    store.useGenericPlans(db);
    const locked = store.lockInstance(db, inst.id);
    if (locked === null || (locked.status !== 'pending' && locked.status !== 'running')) {
      // Ended (cancelled, failed) while the step ran: its effects must not commit.
      discard(session, owner, act.id);
      return false;
    }
    if (outcome.kind === 'dispatch') {
      // Parked for a runner; the node stays running until its completion settles it.
      if (locked.status === 'pending') markRunning(session, inst);
      recordDispatch(db, { owner, activationId: act.id, instanceId: inst.id, nodeId: node.id, attempt: act.attempt }, outcome);
    } else {
      checkpointStep(session, inst, act, node, outcome, locked.status);
    }
    db.commit();
    return true;
  } catch (e) {
    db.rollback();
    if (isInterruption(e)) throw e; // cancelled, timed out or shutting down: the call ends, the step runs again later
    if (e instanceof Superseded) {
      // A RACE or JOIN above the step settled without it while it ran.
      store.dropStaleActivation(db, owner, act.id);
      db.commit();
      return false;
    }
    if (isTransient(e)) {
      db.query(sleepStmt, [TRANSIENT_PAUSE_S * (1 + Math.random())]);
      return false; // the activation stays as it was: it runs again
    }
    failInstance(session, claimed.instance_id, `internal error in pg_durable: ${messageOf(e)}`);
    return false;
  }
}

/** Rolls the step back and removes its activation, whose instance has ended. */
function discard(session: EngineSession, owner: string, activationId: string): void {
  session.db.rollback();
  store.dropStaleActivation(session.db, owner, activationId);
  session.db.commit();
}

/** Ends an instance that the engine itself cannot advance, so no step is retried forever. */
function failInstance(session: EngineSession, instanceId: string, error: string): void {
  const { db } = session;
  const locked = store.lockInstance(db, instanceId);
  if (locked) store.endInstance(db, locked.owner, instanceId, 'failed', error, error);
  db.commit();
}
