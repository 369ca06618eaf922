// The state machine. A Checkpoint collects every change one step causes (activations
// spawned, settled, rescheduled; node statuses; named results; the instance's status); the
// worker writes them in one statement, in the same transaction as the step's own effects.
import { completed, failed, type Outcome, BREAK_OUTSIDE_LOOP } from './outcome.js';
import type { CheckpointWrites } from './store.js';
import type { MachineReads } from './reads.js';
import { spawnNode } from './spawn.js';
import { advanceMap, childScope, scopeOf } from './map.js';
import { retryDelaySeconds } from '../graph/retry.js';
import { parseLossless } from '../json/lossless.js';
import { isTruthy } from '../values/truthiness.js';

export interface ActivationRef {
  id: string;
  node_id: number;
  parent_id: string | null;
  slot: string;
}

export interface NewActivation extends ActivationRef {
  leaf: boolean;
  wake_at: string | null;
  attempt: number;
  memo: Record<string, unknown>;
}

export interface Loaded extends ActivationRef {
  attempt: number;
  memo: Record<string, unknown>;
}

const MAX_LOOP_ITERATIONS = 100_000;

/** The settling step's parent is gone: a RACE or JOIN above it settled without it, so it may not commit. */
export class Superseded extends Error {}

export class Checkpoint {
  private readonly inserts = new Map<string, NewActivation>();
  private readonly updates = new Map<string, { memo?: Record<string, unknown>; wake_at?: string; attempt?: number }>();
  private readonly deletes = new Set<string>();
  private readonly loaded = new Map<string, Loaded>();
  private readonly nodeChanges = new Map<number, { status: string; result?: string; details?: string }>();
  private readonly results = new Map<string, string>();
  private readonly branchResults: { activation_id: string; branch: number; value: string }[] = [];
  private readonly mapItems: { activation_id: string; items: string }[] = [];
  private readonly mapResults: { activation_id: string; item: number; status: string; value: string }[] = [];
  /** Names bound inside a MAP item, by item activation and name. */
  private readonly itemResults = new Map<string, { activation_id: string; name: string; value: string }>();
  private instanceChange: { status: string; result: string | null; error: string | null } | null = null;

  constructor(
    readonly reads: MachineReads,
    readonly now: Date,
    private readonly ids: () => string,
  ) {}

  newId(): string {
    return this.ids();
  }

  addActivation(a: NewActivation): void {
    // Inside a MAP item, every activation carries the item scope its templates and names use.
    const scope = childScope(a.parent_id === null ? null : this.memoOf(a.parent_id), a.id, a.parent_id, a.slot);
    if (scope.length > 0) a.memo = { ...a.memo, scope };
    this.inserts.set(a.id, a);
    this.nodeChanges.set(a.node_id, { status: 'running' });
  }

  /** Node ids of the leaf activations this checkpoint starts. */
  spawnedLeafNodes(): number[] {
    return [...this.inserts.values()].filter((a) => a.leaf).map((a) => a.node_id);
  }

  /** The named result activation `id` sees: its items' own names first, innermost first. */
  visibleResult(id: string, name: string): string | undefined {
    const scope = scopeOf(this.memoOf(id) ?? {});
    for (let i = scope.length - 1; i >= 0; i -= 1) {
      const item = scope[i]!;
      const value = this.itemResults.get(`${item[0]}:${name}`)?.value ?? this.reads.itemResult(item, name);
      if (value !== undefined) return value;
    }
    return this.results.get(name) ?? this.reads.namedResult(name);
  }

  updateMemo(id: string, memo: Record<string, unknown>): void {
    this.updates.set(id, { ...this.updates.get(id), memo });
  }

  setNodeDetails(nodeId: number, details: string): void {
    this.nodeChanges.set(nodeId, { status: 'running', details });
  }

  /** A MAP's items, the row set text of its items workflow, stored one row per item. */
  addMapItems(activationId: string, rowSet: string): void {
    this.mapItems.push({ activation_id: activationId, items: rowSet });
  }

  addMapResult(activationId: string, item: number, status: string, value: string): void {
    this.mapResults.push({ activation_id: activationId, item, status, value });
  }

  setInstanceStatus(status: string, result: string | null = null, error: string | null = null): void {
    this.instanceChange = { status, result, error };
  }

  /** Re-runs a failed leaf later (retry policy). */
  reschedule(act: ActivationRef, wakeAt: Date, attempt: number, error: string): void {
    this.updates.set(act.id, { wake_at: wakeAt.toISOString(), attempt });
    this.retryDetails(act.node_id, wakeAt, attempt, error);
  }

  /**
   * Settles an activation and everything above it that settles as a consequence. A composite
   * that fails with attempts left in its retry policy starts again from its first step instead
   * (its steps that completed stay done: each committed in its own checkpoint).
   */
  settle(act: ActivationRef, outcome: Outcome): void {
    let current: ActivationRef | null = act;
    let out: Outcome | null = outcome;
    while (current && out) {
      this.remove(current.id);
      const parent: Loaded | null = current.parent_id === null ? null : this.activation(current.parent_id);
      this.recordNode(current, parent, out);
      if (parent === null) {
        this.finishInstance(out);
        return;
      }
      out = this.advance(parent, current.slot, out);
      if (out?.kind === 'failed' && this.retriedComposite(parent, out.error)) return;
      current = parent;
    }
  }

  private retriedComposite(act: Loaded, error: string): boolean {
    const retry = this.reads.node(act.node_id).retry;
    if (retry === null || act.attempt >= retry.max_attempts) return false;
    const wakeAt = new Date(this.now.getTime() + retryDelaySeconds(retry, act.attempt) * 1000);
    this.remove(act.id);
    spawnNode(this, act.node_id, act.parent_id, act.slot, wakeAt, act.attempt + 1);
    this.retryDetails(act.node_id, wakeAt, act.attempt + 1, error);
    return true;
  }

  private retryDetails(nodeId: number, wakeAt: Date, attempt: number, error: string): void {
    this.nodeChanges.set(nodeId, {
      status: 'running',
      details: JSON.stringify({ attempt, last_error: error, next_attempt_at: wakeAt.toISOString() }),
    });
  }

  private recordNode(act: ActivationRef, parent: Loaded | null, out: Outcome): void {
    const nodeId = act.node_id;
    const node = this.reads.node(nodeId);
    // Counts a MAP set in this checkpoint stay with it when it settles.
    const details = this.nodeChanges.get(nodeId)?.details;
    if (out.kind === 'failed') {
      this.nodeChanges.set(nodeId, { status: 'failed', result: JSON.stringify(out.error), details });
      return;
    }
    const value = out.kind === 'completed' ? out.result : out.value;
    this.nodeChanges.set(nodeId, { status: 'completed', result: value, details });
    if (out.kind !== 'completed' || !node.result_name) return;
    const scope = childScope(parent?.memo ?? null, act.id, act.parent_id, act.slot);
    const item = scope[scope.length - 1];
    if (item === undefined) this.results.set(node.result_name, value);
    else this.itemResults.set(`${item[0]}:${node.result_name}`, { activation_id: item[0], name: node.result_name, value });
  }

  private finishInstance(out: Outcome): void {
    if (out.kind === 'completed') this.setInstanceStatus('completed', out.result);
    else this.setInstanceStatus('failed', null, out.kind === 'failed' ? out.error : BREAK_OUTSIDE_LOOP);
  }

  /** What a composite activation does when its child in `slot` settles; an outcome settles it too. */
  private advance(parent: Loaded, slot: string, out: Outcome): Outcome | null {
    const node = this.reads.node(parent.node_id);
    switch (node.node_type) {
      case 'THEN':
        if (slot === 'left' && out.kind === 'completed') {
          spawnNode(this, node.right_node!, parent.id, 'right', null);
          return null;
        }
        return out;
      case 'IF':
        if (slot === 'condition' && out.kind === 'completed') {
          const truthy = isTruthy(parseLossless(out.result));
          spawnNode(this, truthy ? node.left_node! : node.right_node!, parent.id, truthy ? 'then' : 'else', null);
          return null;
        }
        return out;
      case 'RACE':
        return out; // the first branch to settle decides; the losers go with the RACE activation
      case 'JOIN':
        return this.advanceJoin(parent, slot, out);
      case 'LOOP':
        return this.advanceLoop(parent, slot, out);
      case 'MAP':
        return advanceMap(this, parent, slot, out);
      default:
        throw new Error(`node type ${node.node_type} has no children`);
    }
  }

  private advanceJoin(parent: Loaded, slot: string, out: Outcome): Outcome | null {
    if (out.kind === 'break') return out; // exits the enclosing loop; other branches are dropped
    const memo = parent.memo as { pending: number; errors: Record<string, string> };
    const index = Number(slot.slice('branch:'.length));
    // Only the lowest-numbered failure is kept: the JOIN's error names that branch, and the
    // memo, rewritten at every settle, stays small however many branches fail.
    if (out.kind === 'failed' && index < (firstFailure(memo.errors) ?? Infinity)) memo.errors = { [index]: out.error };
    memo.pending -= 1;
    if (memo.pending > 0) {
      if (out.kind === 'completed') this.branchResults.push({ activation_id: parent.id, branch: index, value: out.result });
      this.updates.set(parent.id, { ...this.updates.get(parent.id), memo });
      return null;
    }
    const first = firstFailure(memo.errors);
    if (first !== undefined) return failed(`JOIN branch ${first + 1} failed: ${memo.errors[first]}`);
    const results = this.reads.branchResults(parent.id);
    if (out.kind === 'completed') results.set(index, out.result);
    const node = this.reads.node(parent.node_id);
    const count = 2 + node.extra_nodes.length;
    return completed(`[${Array.from({ length: count }, (_, i) => results.get(i) ?? 'null').join(',')}]`);
  }

  private advanceLoop(parent: Loaded, slot: string, out: Outcome): Outcome | null {
    if (out.kind === 'failed') return out;
    if (out.kind === 'break') return completed(out.value);
    const node = this.reads.node(parent.node_id);
    const memo = parent.memo as { iteration: number; started: number; last?: string };
    if (slot === 'body') {
      memo.last = out.result;
      if (node.condition_node !== null) {
        this.updates.set(parent.id, { memo });
        spawnNode(this, node.condition_node, parent.id, 'while', null);
        return null;
      }
    } else if (!isTruthy(parseLossless(out.result))) {
      return completed(memo.last ?? 'null');
    }
    if (memo.iteration >= MAX_LOOP_ITERATIONS) {
      return failed(`loop exceeded ${MAX_LOOP_ITERATIONS.toLocaleString('en-US')} iterations`);
    }
    const notBefore = new Date(Math.max(this.now.getTime(), memo.started + this.reads.loopMinIntervalMs()));
    memo.iteration += 1;
    memo.started = notBefore.getTime();
    this.updates.set(parent.id, { memo });
    spawnNode(this, node.left_node!, parent.id, 'body', notBefore);
    return null;
  }

  /** The memo of an activation this checkpoint started or loaded. */
  private memoOf(id: string): Record<string, unknown> | null {
    return (this.inserts.get(id) ?? this.loaded.get(id))?.memo ?? null;
  }

  private activation(id: string): Loaded {
    const pending = this.inserts.get(id);
    if (pending) return pending;
    let a = this.loaded.get(id);
    if (!a) {
      const row = this.reads.activation(id);
      if (!row) throw new Superseded(`activation ${id} was settled while its child ran`);
      a = { id: row.id, node_id: row.node_id, parent_id: row.parent_id, slot: row.slot, attempt: row.attempt, memo: JSON.parse(row.memo) };
      this.loaded.set(id, a);
    }
    return a;
  }

  /** Drops an activation; pending children of it are dropped with it (the database cascades). */
  private remove(id: string): void {
    if (this.inserts.delete(id)) {
      for (const child of [...this.inserts.values()]) if (child.parent_id === id) this.remove(child.id);
      return;
    }
    this.deletes.add(id);
    this.updates.delete(id);
    for (const child of [...this.inserts.values()]) if (child.parent_id === id) this.remove(child.id);
  }

  /** Everything collected, as the one statement that records it wants it. */
  writes(): CheckpointWrites {
    const inserts = [...this.inserts.values()].map((a) => ({
      id: a.id, node_id: a.node_id, parent_id: a.parent_id, slot: a.slot,
      leaf: a.leaf, wake_at: a.wake_at, attempt: a.attempt, memo: a.memo,
    }));
    const updates = [...this.updates].filter(([id]) => !this.deletes.has(id)).map(([id, u]) => ({ id, ...u }));
    // Results and node results are JSON text already: spliced in, never re-parsed, so they stay exact.
    const nodes = [...this.nodeChanges].map(
      ([id, c]) =>
        `{"id":${id},"status":${JSON.stringify(c.status)},"result":${c.result ?? 'null'},"details":${c.details ?? 'null'}}`,
    );
    const results = [...this.results].map(([name, value]) => `{"name":${JSON.stringify(name)},"value":${value}}`);
    const branches = this.branchResults
      .filter((b) => !this.deletes.has(b.activation_id))
      .map((b) => `{"activation_id":${b.activation_id},"branch":${b.branch},"value":${b.value}}`);
    const mapItems = this.mapItems.map((m) => `{"activation_id":${m.activation_id},"items":${m.items}}`);
    const mapResults = this.mapResults
      .filter((m) => !this.deletes.has(m.activation_id))
      .map((m) => `{"activation_id":${m.activation_id},"item":${m.item},"status":"${m.status}","result":${m.value}}`);
    const itemResults = [...this.itemResults.values()]
      .filter((r) => !this.deletes.has(r.activation_id))
      .map((r) => `{"activation_id":${r.activation_id},"name":${JSON.stringify(r.name)},"value":${r.value}}`);
    return {
      instanceId: this.reads.instanceId,
      owner: this.reads.owner,
      inserts: JSON.stringify(inserts),
      updates: JSON.stringify(updates),
      deletes: [...this.deletes],
      nodes: `[${nodes.join(',')}]`,
      results: `[${results.join(',')}]`,
      branches: `[${branches.join(',')}]`,
      mapItems: `[${mapItems.join(',')}]`,
      mapResults: `[${mapResults.join(',')}]`,
      itemResults: `[${itemResults.join(',')}]`,
      updatedActivationIds: updates.map((u) => u.id),
      nodeIds: [...this.nodeChanges.keys()],
      instance: this.instanceChange,
    };
  }
}

/** The lowest-numbered failed JOIN branch (a memo written by 0.1.0 may hold several). */
function firstFailure(errors: Record<string, string>): number | undefined {
  const branches = Object.keys(errors).map(Number);
  return branches.length ? Math.min(...branches) : undefined;
}
