// What the state machine reads while it works, behind one small interface, so the machine
// itself (checkpoint.ts, spawn.ts) takes plain values and is unit-tested without a database.
import type { Db } from './db.js';
import type { InstanceInfo } from './instance.js';
import type { FlatNode } from '../graph/flatten.js';
import * as store from './store.js';
import * as mapStore from './map-store.js';
import type { ItemScope } from './map.js';

export interface StoredActivation {
  id: string;
  node_id: number;
  parent_id: string | null;
  slot: string;
  attempt: number;
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
  /** How many rows a result holds (a MAP's items); null when it is not a row set. */
  rowSetLength(result: string): number | null;
  /** A MAP's result: its stored item outcomes and `last`, in item order. */
  mapResult(mapActivationId: string, last: mapStore.ItemOutcome): string;
  /** A failed MAP's failed items with their rows and errors, `last` included when it failed. */
  failedItems(mapActivationId: string, last: mapStore.ItemOutcome): string;
  /** A name as one MAP item binds it. */
  itemResult(item: ItemScope, name: string): string | undefined;
}

/**
 * `graph` is the instance's flattened graph when the caller holds it (df.start), so that
 * starting a JOIN of thousands of branches reads no node back from the database.
 */
export function databaseReads(db: Db, inst: InstanceInfo, loopMinIntervalMs: number, graph?: readonly FlatNode[]): MachineReads {
  return {
    instanceId: inst.id,
    owner: inst.owner,
    node: (id) => graph?.[id - 1] ?? inst.node(id), // flatten numbers nodes 1..N
    activation: (id) => store.loadActivation(db, inst.owner, id),
    namedResult: (name) => store.loadResults(db, inst.owner, inst.id).find((r) => r.name === name)?.value,
    takeBufferedSignal: (name) => store.takeBufferedSignal(db, inst.owner, inst.id, name),
    loopMinIntervalMs: () => loopMinIntervalMs,
    branchResults: (id) => store.loadBranchResults(db, inst.owner, id),
    rowSetLength: (result) => mapStore.rowSetLength(db, result),
    mapResult: (id, last) => mapStore.mapResult(db, inst.owner, id, last),
    failedItems: (id, last) => mapStore.failedItems(db, inst.owner, id, last),
    itemResult: (item, name) => mapStore.loadItemResult(db, inst.owner, item, name),
  };
}
