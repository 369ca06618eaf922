// The same tree as df.explain, as a Mermaid flowchart: one box per node (THENs included, so
// that the chart is the stored graph itself), edges labelled with the child's role, and in
// live mode a status glyph in each box plus a colour class per status.

import type { FlatNode } from '../graph/flatten.js';
import { branchesOf, ifRowsCondition, NODE_GLYPHS, nodeLabel, type LabelOptions, type NodeDisplayStatus } from './labels.js';

const STATUS_STYLES: ReadonlyArray<[NodeDisplayStatus, string]> = [
  ['completed', 'fill:#d3f9d8,stroke:#2b8a3e'],
  ['failed', 'fill:#ffe3e3,stroke:#c92a2a'],
  ['running', 'fill:#fff3bf,stroke:#e67700'],
  ['pending', 'fill:#f1f3f5,stroke:#868e96'],
  ['skipped', 'fill:#f8f9fa,stroke:#adb5bd,stroke-dasharray:3 3'],
];

export function renderMermaid(
  nodes: readonly FlatNode[],
  statuses?: ReadonlyMap<number, NodeDisplayStatus>,
  options: LabelOptions = {},
): string {
  const boxes: string[] = [];
  const edges: string[] = [];
  const members = new Map<NodeDisplayStatus, string[]>();
  for (const node of [...nodes].sort((a, b) => a.id - b.id)) {
    const status = statuses?.get(node.id);
    let label = nodeLabel(node, options);
    if (node.node_type === 'IF' && node.condition_node === null) label += `: ${ifRowsCondition(node)}`;
    if (status !== undefined) {
      label += ` ${NODE_GLYPHS[status]}`;
      members.set(status, [...(members.get(status) ?? []), `n${node.id}`]);
    }
    boxes.push(`  n${node.id}["${escapeLabel(label)}"]`);
    for (const [childId, role] of childRoles(node)) edges.push(`  n${node.id} -->|${role}| n${childId}`);
  }
  const classes: string[] = [];
  for (const [status, style] of STATUS_STYLES) {
    const ids = members.get(status);
    if (ids !== undefined) classes.push(`  classDef ${status} ${style}`, `  class ${ids.join(',')} ${status}`);
  }
  return ['flowchart TD', ...boxes, ...edges, ...classes].join('\n');
}

function childRoles(node: FlatNode): Array<[number, string]> {
  const roles: Array<[number | null, string]> = [];
  switch (node.node_type) {
    case 'THEN':
      roles.push([node.left_node, 'first'], [node.right_node, 'next']);
      break;
    case 'IF':
      roles.push([node.condition_node, 'condition'], [node.left_node, 'then'], [node.right_node, 'else']);
      break;
    case 'LOOP':
      roles.push([node.left_node, 'body'], [node.condition_node, 'while']);
      break;
    case 'MAP':
      roles.push([node.left_node, 'items'], [node.right_node, 'each']);
      break;
    case 'JOIN':
    case 'RACE':
      branchesOf(node).forEach((id, i) => roles.push([id, `branch ${i + 1}`]));
      break;
    default:
      break;
  }
  return roles.filter((r): r is [number, string] => r[0] !== null);
}

// Mermaid entity codes, in one pass so the codes themselves are not re-escaped: `"`, `<`, `>`
// by name; `#`; `$` (Mermaid reads `$$…$$` as a formula) and `&` (it decodes HTML entities).
// Labels hold no control characters (labels.ts shows them escaped).
const NAMED: Readonly<Record<string, string>> = { '"': '#quot;', '<': '#lt;', '>': '#gt;' };
function escapeLabel(text: string): string {
  return text.replace(/["<>#$&]/g, (c) => NAMED[c] ?? `#${c.charCodeAt(0)};`);
}
