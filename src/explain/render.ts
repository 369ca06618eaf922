// df.explain's text rendering (spec section 12).
//
// Layout: every child sits one 2-space level below its parent, after a role label
// (`? condition:`, `✓ then:`, `║ branch 2:` …). A THEN chain (nested THENs without a name or
// retry policy) is shown as a list whose later items start with `→ `; a labelled chain puts
// its label on a line of its own so the arrows line up under it. A THEN that carries a name
// or retry policy cannot be flattened into its parent chain without losing that, so it
// appears as `THEN |=> 'name'` with its own chain below it.
// In live mode a node's status glyph follows its label; bare THENs have no line of their own.

import { GraphError } from '../graph/envelope.js';
import type { FlatNode } from '../graph/flatten.js';
import {
  branchesOf, clip, ifRowsCondition, INSTANCE_ICONS, NODE_GLYPHS, nodeLabel,
  type InstanceStatus, type LabelOptions, type NodeDisplayStatus,
} from './labels.js';

export { renderMermaid } from './mermaid.js';

export interface ExplainHeader {
  instanceId: string;
  label: string | null;
  status: InstanceStatus;
  /** The instance's result or error text; null leaves the Output line out. */
  output: string | null;
}

export interface RenderOptions extends LabelOptions {
  /** Present for an instance (live mode); absent for a dry run, which shows only the tree. */
  header?: ExplainHeader;
  statuses?: ReadonlyMap<number, NodeDisplayStatus>;
  /** What a live node waits on (dispatched work), shown after its glyph. */
  notes?: ReadonlyMap<number, string>;
}

// The Output line shows this many characters and marks a cut with `...`.
const OUTPUT_LENGTH = 57;
const INDENT = '  ';

export function renderExplain(nodes: readonly FlatNode[], options: RenderOptions = {}): string {
  const header = options.header === undefined ? [] : headerLines(options.header);
  return [...header, ...new TreeWriter(nodes, options).write()].join('\n');
}

function headerLines(h: ExplainHeader): string[] {
  const lines = [
    h.label === null ? `Instance: ${h.instanceId}` : `Instance: ${h.instanceId} (${h.label})`,
    `Status:   ${INSTANCE_ICONS[h.status]} ${h.status}`,
  ];
  if (h.output !== null) lines.push(`Output:   ${clip(h.output, OUTPUT_LENGTH, false, '...')}`);
  lines.push('');
  return lines;
}

class TreeWriter {
  private readonly byId = new Map<number, FlatNode>();
  private readonly lines: string[] = [];

  constructor(nodes: readonly FlatNode[], private readonly options: RenderOptions) {
    for (const node of nodes) this.byId.set(node.id, node);
  }

  write(): string[] {
    const root = [...this.byId.values()].find((n) => n.parent === null);
    if (root === undefined) throw new GraphError('cannot explain a graph without a root node');
    this.node(root, 0, '');
    return this.lines;
  }

  /** Writes `node` at `depth`, its first line starting with `prefix` (a role label or `→ `). */
  private node(node: FlatNode, depth: number, prefix: string): void {
    if (this.isChainLink(node)) {
      // A bare chain has no line of its own; under a label, the label gets one.
      if (prefix !== '') this.line(depth, prefix.trimEnd());
      this.chain(node, prefix === '' ? depth : depth + 1);
      return;
    }
    const note = this.options.notes?.get(node.id);
    this.line(depth, prefix + nodeLabel(node, this.options) + this.glyph(node) + (note === undefined ? '' : ` (${clip(note, 80, false, '…')})`));
    const inner = depth + 1;
    switch (node.node_type) {
      case 'THEN':
        this.chain(node, inner);
        break;
      case 'IF':
        if (node.condition_node === null) this.line(inner, `? condition: ${ifRowsCondition(node)}`);
        else this.child(node.condition_node, inner, '? condition: ');
        this.child(node.left_node, inner, '✓ then: ');
        this.child(node.right_node, inner, '✗ else: ');
        break;
      case 'LOOP':
        this.child(node.left_node, inner, '↻ body: ');
        this.child(node.condition_node, inner, '? while: ');
        break;
      case 'JOIN':
      case 'RACE':
        branchesOf(node).forEach((id, i) => this.child(id, inner, `║ branch ${i + 1}: `));
        break;
      case 'MAP':
        this.child(node.left_node, inner, '≡ items: ');
        this.child(node.right_node, inner, '↻ each: ');
        break;
      default:
        break;
    }
  }

  /** The chain's items in order, nested unnamed THENs expanded (iteratively). */
  private chain(then: FlatNode, depth: number): void {
    const stack = [then.right_node, then.left_node];
    let first = true;
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      const item = this.get(id);
      if (this.isChainLink(item)) {
        stack.push(item.right_node, item.left_node);
        continue;
      }
      this.node(item, depth, first ? '' : '→ ');
      first = false;
    }
  }

  private child(id: number | null, depth: number, label: string): void {
    if (id !== null) this.node(this.get(id), depth, label);
  }

  private isChainLink(node: FlatNode): boolean {
    return node.node_type === 'THEN' && node.result_name === null && node.retry === null;
  }

  private glyph(node: FlatNode): string {
    const status = this.options.statuses?.get(node.id);
    return status === undefined ? '' : ` ${NODE_GLYPHS[status]}`;
  }

  private get(id: number | null): FlatNode {
    const node = id === null ? undefined : this.byId.get(id);
    if (node === undefined) throw new GraphError(`cannot explain: node ${String(id)} is missing`);
    return node;
  }

  private line(depth: number, text: string): void {
    this.lines.push(INDENT.repeat(depth) + text);
  }
}
