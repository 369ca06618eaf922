// The state machine. A Checkpoint collects every change one step causes (activations
// spawned, settled, rescheduled; node statuses; named results; the instance's status); the
// worker writes them in one statement, in the same transaction as the step's own effects.
import { completed, failed, type Outcome, BREAK_OUTSIDE_LOOP } from './outcome.js';
import type { CheckpointWrites } from './store.js';
import type { MachineReads } from './reads.js';
import { spawnNode } from './spawn.js';
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

interface Loaded extends ActivationRef {
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
    this.inserts.set(a.id, a);
    this.nodeChanges.set(a.node_id, { status: 'running' });
  }

  /** Node ids of the leaf activations this checkpoint starts. */
  spawnedLeafNodes(): number[] {
    return [...this.inserts.values()].filter((a) => a.leaf).map((a) => a.node_id);
  }

  /** A named result produced earlier in this checkpoint, not yet written. */
  pendingResult(name: string): string | undefined {
    return this.results.get(name);
  }

  setInstanceStatus(status: string, result: string | null = null, error: string | null = null): void {
    this.instanceChange = { status, result, error };
  }

  /** Re-runs a failed leaf later (retry policy). */
  reschedule(act: ActivationRef, wakeAt: Date, attempt: number, error: string): void {
    this.updates.set(act.id, { wake_at: wakeAt.toISOString(), attempt });
    this.nodeChanges.set(act.node_id, {
      status: 'running',
      details: JSON.stringify({ attempt, last_error: error, next_attempt_at: wakeAt.toISOString() }),
    });
  }

  /** Settles an activation and everything above it that settles as a consequence. */
  settle(act: ActivationRef, outcome: Outcome): void {
    let current: ActivationRef | null = act;
    let out: Outcome | null = outcome;
    while (current && out) {
      this.remove(current.id);
      this.recordNode(current.node_id, out);
      if (current.parent_id === null) {
        this.finishInstance(out);
        return;
      }
      const parent = this.activation(current.parent_id);
      out = this.advance(parent, current.slot, out);
      current = parent;
    }
  }

  private recordNode(nodeId: number, out: Outcome): void {
    const node = this.reads.node(nodeId);
    if (out.kind === 'failed') {
      this.nodeChanges.set(nodeId, { status: 'failed', result: JSON.stringify(out.error) });
      return;
    }
    const value = out.kind === 'completed' ? out.result : out.value;
    this.nodeChanges.set(nodeId, { status: 'completed', result: value });
    if (out.kind === 'completed' && node.result_name) this.results.set(node.result_name, value);
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
      default:
        throw new Error(`node type ${node.node_type} has no children`);
    }
  }

  private advanceJoin(parent: Loaded, slot: string, out: Outcome): Outcome | null {
    if (out.kind === 'break') return out; // exits the enclosing loop; other branches are dropped
    const memo = parent.memo as { pending: number; errors: Record<string, string> };
    const index = Number(slot.slice('branch:'.length));
    if (out.kind === 'failed') memo.errors[index] = out.error;
    memo.pending -= 1;
    if (memo.pending > 0) {
      if (out.kind === 'completed') this.branchResults.push({ activation_id: parent.id, branch: index, value: out.result });
      this.updates.set(parent.id, { ...this.updates.get(parent.id), memo });
      return null;
    }
    const failedBranches = Object.keys(memo.errors).map(Number).sort((a, b) => a - b);
    if (failedBranches.length) {
      const first = failedBranches[0];
      return failed(`JOIN branch ${first + 1} failed: ${memo.errors[first]}`);
    }
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

  private activation(id: string): Loaded {
    const pending = this.inserts.get(id);
    if (pending) return pending;
    let a = this.loaded.get(id);
    if (!a) {
      const row = this.reads.activation(id);
      if (!row) throw new Superseded(`activation ${id} was settled while its child ran`);
      a = { id: row.id, node_id: row.node_id, parent_id: row.parent_id, slot: row.slot, memo: JSON.parse(row.memo) };
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
    return {
      instanceId: this.reads.instanceId,
      owner: this.reads.owner,
      inserts: JSON.stringify(inserts),
      updates: JSON.stringify(updates),
      deletes: [...this.deletes],
      nodes: `[${nodes.join(',')}]`,
      results: `[${results.join(',')}]`,
      branches: `[${branches.join(',')}]`,
      updatedActivationIds: updates.map((u) => u.id),
      nodeIds: [...this.nodeChanges.keys()],
      instance: this.instanceChange,
    };
  }
}
