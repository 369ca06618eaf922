// What the engine knows about one instance while it works on it: its immutable graph,
// label and variables (cached per session, nodes read as they are needed), and its named
// results (read per step). Both caches are bounded, so a worker's memory stays flat
// whatever the number and size of the instances it serves.
import type { Db } from './db.js';
import { loadInstance, loadNode, loadResults } from './store.js';
import { loadScopeResults } from './map-store.js';
import type { ItemScope } from './map.js';
import type { FlatNode } from '../graph/flatten.js';
import { parseLossless, type Json } from '../json/lossless.js';
import type { TemplateContext } from '../template/substitute.js';

const MAX_NODES_PER_INSTANCE = 64;
const MAX_INSTANCES = 200;

export class InstanceInfo {
  private readonly nodes = new Map<number, FlatNode>();

  constructor(
    private readonly db: Db,
    readonly id: string,
    readonly label: string | null,
    readonly owner: string,
    readonly vars: Record<string, string>,
  ) {}

  node(id: number): FlatNode {
    let n = this.nodes.get(id);
    if (!n) {
      n = loadNode(this.db, this.owner, this.id, id) ?? undefined;
      if (!n) throw new Error(`instance ${this.id} has no node ${id}`);
      if (this.nodes.size >= MAX_NODES_PER_INSTANCE) this.nodes.clear();
      this.nodes.set(id, n);
    }
    return n;
  }

  /**
   * The template context of a step; named results are read only when the text may use them.
   * Inside MAP items (`scope`), what each item binds hides the names bound outside it.
   */
  templateContext(db: Db, text: string, scope: readonly ItemScope[] = []): TemplateContext {
    const results: Record<string, Json> = {};
    if (text.includes('$')) {
      for (const r of loadResults(db, this.owner, this.id)) results[r.name] = parseLossless(r.value);
      if (scope.length > 0) for (const r of loadScopeResults(db, this.owner, scope)) results[r.name] = parseLossless(r.value);
    }
    return { vars: this.vars, instanceId: this.id, label: this.label, results };
  }
}

/** Least recently used instances first out. */
export class InstanceCache {
  private readonly cache = new Map<string, InstanceInfo>();

  /** The instance `id` of `owner`; null when the owner has no such instance. */
  get(db: Db, owner: string, id: string): InstanceInfo | null {
    const hit = this.cache.get(id);
    if (hit && hit.owner === owner) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit;
    }
    const row = loadInstance(db, owner, id);
    if (!row) return null;
    const info = new InstanceInfo(db, row.id, row.label, row.submitted_by, JSON.parse(row.vars) as Record<string, string>);
    if (this.cache.size >= MAX_INSTANCES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(id, info);
    return info;
  }
}
