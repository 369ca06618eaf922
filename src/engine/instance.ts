// What the engine knows about one instance while it works on it: its immutable graph,
// label and variables (cached per session), and its named results (read per step).
import type { Db } from './db.js';
import { loadInstance, loadNodes, loadResults } from './store.js';
import type { FlatNode } from '../graph/flatten.js';
import { parseLossless, type Json } from '../json/lossless.js';
import type { TemplateContext } from '../template/substitute.js';

export class InstanceInfo {
  private readonly nodes = new Map<number, FlatNode>();

  constructor(
    readonly id: string,
    readonly label: string | null,
    readonly owner: string,
    readonly vars: Record<string, string>,
    graph: FlatNode[],
  ) {
    for (const n of graph) this.nodes.set(n.id, n);
  }

  node(id: number): FlatNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`instance ${this.id} has no node ${id}`);
    return n;
  }

  /** The template context of a step; named results are read only when the text may use them. */
  templateContext(db: Db, text: string): TemplateContext {
    const results: Record<string, Json> = {};
    if (text.includes('$')) {
      for (const r of loadResults(db, this.id)) results[r.name] = parseLossless(r.value);
    }
    return { vars: this.vars, instanceId: this.id, label: this.label, results };
  }
}

const MAX_CACHED = 500;

/** Graphs never change after df.start, so a session caches them. */
export class InstanceCache {
  private readonly cache = new Map<string, InstanceInfo>();

  get(db: Db, id: string): InstanceInfo | null {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const row = loadInstance(db, id);
    if (!row) return null;
    const vars = JSON.parse(row.vars) as Record<string, string>;
    const info = new InstanceInfo(row.id, row.label, row.submitted_by, vars, loadNodes(db, id));
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(id, info);
    return info;
  }
}
