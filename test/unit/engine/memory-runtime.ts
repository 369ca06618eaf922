// An in-memory stand-in for the engine's tables, enough to drive the state machine
// (Checkpoint, spawnNode) through whole workflows in unit tests.
import { Checkpoint } from '../../../src/engine/checkpoint.js';
import { spawnNode } from '../../../src/engine/spawn.js';
import type { MachineReads, StoredActivation } from '../../../src/engine/reads.js';
import type { CheckpointWrites } from '../../../src/engine/store.js';
import type { Outcome } from '../../../src/engine/outcome.js';
import { flatten, type FlatNode } from '../../../src/graph/flatten.js';
import { workflowFromText } from '../../../src/graph/builders.js';

interface Row extends StoredActivation {
  leaf: boolean;
  wake_at: string | null;
}

export class MemoryRuntime implements MachineReads {
  readonly instanceId = 'abcdef01';
  readonly owner = 'alice';
  readonly nodes: FlatNode[];
  readonly activations = new Map<string, Row>();
  readonly nodeStatus = new Map<number, string>();
  readonly nodeDetails = new Map<number, unknown>();
  readonly results = new Map<string, string>();
  readonly buffered: { name: string; data: string }[] = [];
  instance: { status: string; result: string | null; error: string | null } = { status: 'pending', result: null, error: null };
  loopIntervalMs = 1000;
  now = new Date('2026-01-01T00:00:00Z');
  private nextId = 1;

  constructor(envelope: string) {
    this.nodes = flatten(workflowFromText(envelope));
    this.apply(this.checkpoint((cp) => spawnNode(cp, 1, null, 'root', null)));
  }

  node(id: number): FlatNode {
    return this.nodes[id - 1];
  }
  activation(id: string): StoredActivation | null {
    return this.activations.get(id) ?? null;
  }
  namedResult(name: string): string | undefined {
    return this.results.get(name);
  }
  takeBufferedSignal(name: string): string | null {
    const i = this.buffered.findIndex((s) => s.name === name);
    return i < 0 ? null : this.buffered.splice(i, 1)[0].data;
  }
  loopMinIntervalMs(): number {
    return this.loopIntervalMs;
  }
  readonly branchStore = new Map<string, Map<number, string>>();
  branchResults(joinActivationId: string): Map<number, string> {
    return new Map(this.branchStore.get(joinActivationId) ?? []);
  }

  /** MAP items and settled item outcomes, by MAP activation; names bound inside items, by item activation. */
  readonly mapItemStore = new Map<string, string[]>();
  readonly mapResultStore = new Map<string, Map<number, { status: string; result: string }>>();
  readonly itemResultStore = new Map<string, Map<string, string>>();
  rowSetLength(result: string): number | null {
    const value = JSON.parse(result) as { rows?: unknown };
    return value !== null && typeof value === 'object' && Array.isArray(value.rows) ? value.rows.length : null;
  }
  mapResult(mapActivationId: string, last: { item: number; status: string; result: string }): string {
    const outcomes = new Map(this.mapResultStore.get(mapActivationId) ?? []).set(last.item, last);
    const items = this.mapItemStore.get(mapActivationId) ?? [];
    const rows = items.map((item, i) => {
      const o = outcomes.get(i + 1)!;
      return `{"item":${item},"status":"${o.status}","result":${o.result}}`;
    });
    return `{"rows":[${rows.join(',')}],"row_count":${rows.length}}`;
  }
  failedItems(mapActivationId: string, last: { item: number; status: string; result: string }): string {
    const outcomes = new Map(this.mapResultStore.get(mapActivationId) ?? []).set(last.item, last);
    const items = this.mapItemStore.get(mapActivationId) ?? [];
    const failed = [...outcomes].filter(([, o]) => o.status === 'failed').sort(([a], [b]) => a - b);
    return `[${failed.map(([n, o]) => `{"item":${n},"row":${items[n - 1]},"error":${o.result}}`).join(',')}]`;
  }
  itemResult(item: [string, string, number], name: string): string | undefined {
    const own = this.itemResultStore.get(item[0])?.get(name);
    if (own !== undefined || name !== 'item') return own;
    return `{"rows":[${this.mapItemStore.get(item[1])![item[2] - 1]}],"row_count":1}`;
  }

  /** The live leaf activations, by node id. */
  leaves(): Map<number, Row> {
    return new Map([...this.activations.values()].filter((a) => a.leaf).map((a) => [a.node_id, a]));
  }

  /** Settles the live leaf of node `nodeId` as a worker would after running it. */
  settle(nodeId: number, outcome: Outcome): CheckpointWrites {
    const leaf = this.leaves().get(nodeId);
    if (!leaf) throw new Error(`node ${nodeId} has no live leaf activation`);
    return this.apply(this.checkpoint((cp) => cp.settle(leaf, outcome)));
  }

  private checkpoint(fn: (cp: Checkpoint) => void): CheckpointWrites {
    const cp = new Checkpoint(this, this.now, () => String(this.nextId++));
    fn(cp);
    return cp.writes();
  }

  private apply(w: CheckpointWrites): CheckpointWrites {
    for (const a of JSON.parse(w.inserts) as (Omit<Row, 'memo'> & { memo: object })[]) {
      this.activations.set(a.id, { ...a, memo: JSON.stringify(a.memo) });
    }
    for (const u of JSON.parse(w.updates) as { id: string; memo?: object; wake_at?: string }[]) {
      const row = this.activations.get(u.id)!;
      if (u.memo) row.memo = JSON.stringify(u.memo);
      if (u.wake_at) row.wake_at = u.wake_at;
    }
    for (const b of JSON.parse(w.branches) as { activation_id: number; branch: number; value: unknown }[]) {
      const id = String(b.activation_id);
      if (!this.branchStore.has(id)) this.branchStore.set(id, new Map());
      this.branchStore.get(id)!.set(b.branch, JSON.stringify(b.value));
    }
    for (const m of JSON.parse(w.mapItems) as { activation_id: number; items: { rows: unknown[] } }[]) {
      this.mapItemStore.set(String(m.activation_id), m.items.rows.map((r) => JSON.stringify(r)));
    }
    for (const m of JSON.parse(w.mapResults) as { activation_id: number; item: number; status: string; result: unknown }[]) {
      const id = String(m.activation_id);
      if (!this.mapResultStore.has(id)) this.mapResultStore.set(id, new Map());
      this.mapResultStore.get(id)!.set(m.item, { status: m.status, result: JSON.stringify(m.result) });
    }
    for (const r of JSON.parse(w.itemResults) as { activation_id: number; name: string; value: unknown }[]) {
      const id = String(r.activation_id);
      if (!this.itemResultStore.has(id)) this.itemResultStore.set(id, new Map());
      this.itemResultStore.get(id)!.set(r.name, JSON.stringify(r.value));
    }
    for (const id of w.deletes) this.cascade(id);
    for (const n of JSON.parse(w.nodes) as { id: number; status: string; details: unknown }[]) {
      this.nodeStatus.set(n.id, n.status);
      if (n.details !== null) this.nodeDetails.set(n.id, n.details);
    }
    for (const r of JSON.parse(w.results) as { name: string; value: unknown }[]) this.results.set(r.name, JSON.stringify(r.value));
    if (w.instance) this.instance = w.instance;
    return w;
  }

  private cascade(id: string): void {
    this.activations.delete(id);
    this.branchStore.delete(id);
    for (const a of [...this.activations.values()]) if (a.parent_id === id) this.cascade(a.id);
  }
}
