// A self-contained SVG of a chart (src/cli/chart.ts): one box per node, top-down as Mermaid
// draws the same chart, each box holding the node's label and, for an instance, its status in
// words and colour; edges carry the child's role. No script, no external font or stylesheet.
//
// Layout: a tidy tree. Every subtree gets a band as wide as the wider of its own box and its
// children's bands side by side; a node is centred over its band, one row per depth. Both
// passes are iterative, so a deep THEN chain cannot overflow the stack.
import type { Chart, ChartNode } from './chart.js';

const FONT_SIZE = 12;
const CHAR_WIDTH = 7.4; // a 12px monospace advance, rounded up
const PAD_X = 12;
const LINE = 16;
const GAP_X = 24;
const GAP_Y = 56;
const MARGIN = 16;
const NEUTRAL: Readonly<Record<string, string>> = { fill: '#ffffff', stroke: '#495057' };

interface Box {
  node: ChartNode;
  lines: string[];
  width: number;
  height: number;
  children: number[];
  band: number;
  x: number; // centre
  y: number; // top
}

export interface SvgPicture {
  svg: string;
  width: number;
  height: number;
}

/** `caption`: lines of text above the tree (an instance's status and progress). */
export function renderSvg(chart: Chart, title: string, caption: readonly string[] = []): SvgPicture {
  const top = MARGIN + caption.length * (LINE + 2) + (caption.length ? 8 : 0);
  const boxes = new Map<number, Box>();
  for (const node of chart.nodes) {
    const lines = node.status === null ? [node.label] : [node.label, statusText(node)];
    const width = Math.ceil(Math.max(...lines.map(textWidth)) + 2 * PAD_X);
    boxes.set(node.id, { node, lines, width, height: lines.length * LINE + 12, children: [], band: 0, x: 0, y: 0 });
  }
  const targets = new Set<number>();
  for (const e of chart.edges) {
    boxes.get(e.from)?.children.push(e.to);
    targets.add(e.to);
  }
  const roots = chart.nodes.filter((n) => !targets.has(n.id)).map((n) => n.id);
  const rowHeight = Math.max(0, ...[...boxes.values()].map((b) => b.height));
  const preorder = walk(roots, boxes);

  // Bands, children before parents.
  for (let i = preorder.length - 1; i >= 0; i--) {
    const box = boxes.get(preorder[i].id)!;
    const kids = box.children.map((c) => boxes.get(c)!.band);
    const block = kids.reduce((a, b) => a + b, 0) + GAP_X * Math.max(0, kids.length - 1);
    box.band = Math.max(box.width, block);
  }
  // Positions, parents before children: each child band starts where its left sibling's ends.
  const left = new Map<number, number>();
  let next = MARGIN;
  for (const r of roots) {
    left.set(r, next);
    next += boxes.get(r)!.band + GAP_X;
  }
  let height = 0;
  for (const { id, depth } of preorder) {
    const box = boxes.get(id)!;
    const start = left.get(id)!;
    box.x = start + box.band / 2;
    box.y = top + depth * (rowHeight + GAP_Y);
    height = Math.max(height, box.y + box.height + MARGIN);
    const block = box.children.reduce((a, c) => a + boxes.get(c)!.band, 0) + GAP_X * Math.max(0, box.children.length - 1);
    let at = start + (box.band - block) / 2;
    for (const c of box.children) {
      left.set(c, at);
      at += boxes.get(c)!.band + GAP_X;
    }
  }
  const captionWidth = Math.max(0, ...caption.map((c) => textWidth(c) * 13 / FONT_SIZE));
  const width = Math.ceil(Math.max(next - GAP_X + MARGIN, captionWidth + 2 * MARGIN, 2 * MARGIN));
  height = Math.ceil(Math.max(height, top + MARGIN));

  const parts: string[] = [];
  for (const e of chart.edges) parts.push(edge(boxes.get(e.from)!, boxes.get(e.to)!, e.role));
  for (const { id } of preorder) parts.push(nodeBox(boxes.get(id)!, chart.styles));
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="${FONT_SIZE}" role="img">`,
    `<title>${xml(title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M 0 0 L 10 5 L 0 10 z" fill="#495057"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...caption.map((c, i) => `<text class="caption" x="${MARGIN}" y="${MARGIN + (i + 1) * (LINE + 2) - 4}" font-size="13" fill="#212529">${xml(c)}</text>`),
    ...parts,
    '</svg>',
  ].join('\n');
  return { svg, width, height };
}

/** Roots and their descendants in preorder (children in the chart's order), with depths. */
function walk(roots: number[], boxes: Map<number, Box>): { id: number; depth: number }[] {
  const out: { id: number; depth: number }[] = [];
  const seen = new Set<number>();
  const stack = [...roots].reverse().map((id) => ({ id, depth: 0 }));
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (seen.has(top.id)) continue; // a tree has none; never loop on a malformed chart
    seen.add(top.id);
    out.push(top);
    const kids = boxes.get(top.id)!.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ id: kids[i], depth: top.depth + 1 });
  }
  return out;
}

function statusText(node: ChartNode): string {
  return node.status === null ? '' : `${GLYPHS[node.status]} ${node.status}`;
}

// Glyphs a plain monospace font has (⏳ is an emoji, drawn twice as wide or not at all).
const GLYPHS: Readonly<Record<string, string>> = { completed: '✓', failed: '✗', running: '▶', pending: '○', skipped: '⊘' };

function textWidth(text: string): number {
  return Array.from(text).length * CHAR_WIDTH;
}

function nodeBox(box: Box, styles: Chart['styles']): string {
  const status = box.node.status;
  const style = (status !== null && styles.get(status)) || NEUTRAL;
  const dash = style['stroke-dasharray'] ? ` stroke-dasharray="${xml(style['stroke-dasharray'])}"` : '';
  const x = box.x - box.width / 2;
  const description = `node ${box.node.id}: ${box.node.label}${status === null ? '' : ` (${status})`}`;
  const texts = box.lines.map((line, i) => {
    const cls = i === 0 ? 'label' : 'status';
    const weight = i === 0 ? '' : ' font-weight="bold"';
    return `<text class="${cls}" x="${box.x}" y="${box.y + 6 + (i + 1) * LINE - 4}" text-anchor="middle"${weight} fill="#212529">${xml(line)}</text>`;
  });
  return [
    `<g class="node" id="node-${box.node.id}" data-node-id="${box.node.id}"${status === null ? '' : ` data-status="${status}"`}>`,
    `<title>${xml(description)}</title>`,
    `<rect x="${x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="6" fill="${xml(style.fill ?? NEUTRAL.fill)}" ` +
      `stroke="${xml(style.stroke ?? NEUTRAL.stroke)}" stroke-width="1.5"${dash}/>`,
    ...texts,
    '</g>',
  ].join('');
}

function edge(from: Box, to: Box, role: string): string {
  const x1 = from.x;
  const y1 = from.y + from.height;
  const x2 = to.x;
  const y2 = to.y;
  const mid = (y1 + y2) / 2;
  const lx = x1 + 0.7 * (x2 - x1);
  const ly = y1 + 0.7 * (y2 - y1);
  return (
    `<g class="edge" data-from="${from.node.id}" data-to="${to.node.id}">` +
    `<path d="M ${x1} ${y1} C ${x1} ${mid}, ${x2} ${mid}, ${x2} ${y2}" fill="none" stroke="#868e96" stroke-width="1.2" marker-end="url(#arrow)"/>` +
    `<text x="${lx}" y="${ly + 4}" text-anchor="middle" font-size="10" fill="#495057" stroke="#ffffff" stroke-width="3" paint-order="stroke">${xml(role)}</text>` +
    '</g>'
  );
}

export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
