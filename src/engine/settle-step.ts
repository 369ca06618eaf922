// The checkpoint of a leaf's outcome, shared by the worker (a step it ran) and by runners
// completing dispatched work: settle the activation and what settles with it, or, when the
// step failed and its own df.retry policy has attempts left, reschedule it (a policy on a
// composite above it is the checkpoint's: Checkpoint.settle). The caller holds the
// activation's and the instance's row locks and commits.
import type { EngineSession } from './session.js';
import type { InstanceInfo } from './instance.js';
import type { FlatNode } from '../graph/flatten.js';
import type { ActivationRow } from './store.js';
import type { Outcome } from './outcome.js';
import { Checkpoint } from './checkpoint.js';
import { databaseReads } from './reads.js';
import * as store from './store.js';
import { retryDelaySeconds } from '../graph/retry.js';

export function checkpointStep(
  session: EngineSession,
  inst: InstanceInfo,
  act: ActivationRow,
  node: FlatNode,
  outcome: Outcome,
  instanceStatus: string,
  /** A least delay before the next attempt (an HTTP Retry-After), seconds. */
  minRetryDelaySeconds = 0,
): void {
  const cp = newCheckpoint(session, inst);
  if (instanceStatus === 'pending') cp.setInstanceStatus('running');
  const retry = node.retry;
  if (outcome.kind === 'failed' && retry && act.attempt < retry.max_attempts) {
    const delay = Math.max(retryDelaySeconds(retry, act.attempt), minRetryDelaySeconds);
    cp.reschedule(act, new Date(cp.now.getTime() + delay * 1000), act.attempt + 1, outcome.error);
  } else {
    cp.settle(act, outcome);
  }
  store.writeCheckpoint(session.db, cp.writes());
}

/** Marks a pending instance running, in a checkpoint of its own (a step that settles nothing yet). */
export function markRunning(session: EngineSession, inst: InstanceInfo): void {
  const cp = newCheckpoint(session, inst);
  cp.setInstanceStatus('running');
  store.writeCheckpoint(session.db, cp.writes());
}

function newCheckpoint(session: EngineSession, inst: InstanceInfo): Checkpoint {
  return new Checkpoint(databaseReads(session.db, inst, session.settings.loopMinIntervalMs), session.clock.now(), session.nextId);
}
