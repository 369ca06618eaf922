// What the state machine reads while it works, behind one small interface, so the machine
// itself (checkpoint.ts, spawn.ts) takes plain values and is unit-tested without a database.
import type { Db } from './db.js';
import type { InstanceInfo } from './instance.js';
import type { FlatNode } from '../graph/flatten.js';
import * as store from './store.js';

export interface StoredActivation {
  id: string;
  node_id: number;
  parent_id: string | null;
  slot: string;
  memo: string;
}

export interface MachineReads {
  readonly instanceId: string;
  readonly owner: string;
  node(id: number): FlatNode;
  /** A live activation (the parent of one that settles); null when it is gone. */
  activation(id: string): StoredActivation | null;
  /** The latest value of a named result as JSON text. */
  namedResult(name: string): string | undefined;
  /** Consumes the oldest signal of that name kept for the instance. */
  takeBufferedSignal(name: string): string | null;
  loopMinIntervalMs(): number;
  /** Results of a JOIN's branches that completed in earlier steps, by branch index. */
  branchResults(joinActivationId: string): Map<number, string>;
}

export function databaseReads(db: Db, inst: InstanceInfo, loopMinIntervalMs: number): MachineReads {
  return {
    instanceId: inst.id,
    owner: inst.owner,
    node: (id) => inst.node(id),
    activation: (id) => store.loadActivation(db, inst.owner, id),
    namedResult: (name) => store.loadResults(db, inst.owner, inst.id).find((r) => r.name === name)?.value,
    takeBufferedSignal: (name) => store.takeBufferedSignal(db, inst.owner, inst.id, name),
    loopMinIntervalMs: () => loopMinIntervalMs,
    branchResults: (id) => store.loadBranchResults(db, inst.owner, id),
  };
}
