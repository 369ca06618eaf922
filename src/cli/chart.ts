// The graph that df.explain(input, 'mermaid') draws, read back into boxes, edges and
// statuses, so that the CLI's pictures show exactly what the extension explains (for an
// instance, a dry-run envelope or DSL text alike) without a Mermaid renderer. Only the
// subset src/explain/mermaid.ts writes is accepted; anything else is an error, not a guess.
import { NODE_GLYPHS, type NodeDisplayStatus } from '../explain/labels.js';

export interface ChartNode {
  id: number;
  label: string;
  /** The display status in live mode; null in a dry run. */
  status: NodeDisplayStatus | null;
}

export interface ChartEdge {
  from: number;
  to: number;
  /** The child's role: first, next, condition, then, else, body, while, branch N. */
  role: string;
}

export interface Chart {
  nodes: ChartNode[];
  edges: ChartEdge[];
  /** Status → `fill`/`stroke`/… of the chart's classDef lines. */
  styles: Map<string, Record<string, string>>;
}

const BOX = /^ {2}n(\d+)\["(.*)"\]$/;
const EDGE = /^ {2}n(\d+) -->\|([^|]+)\| n(\d+)$/;
const CLASS_DEF = /^ {2}classDef (\w+) (.+)$/;
const CLASS = /^ {2}class ([n\d,]+) (\w+)$/;
const STATUSES: ReadonlySet<string> = new Set(Object.keys(NODE_GLYPHS));

export function parseMermaid(text: string): Chart {
  const lines = text.split('\n');
  if (lines[0] !== 'flowchart TD') throw new Error(`not a df.explain Mermaid chart (first line: '${lines[0]}')`);
  const nodes = new Map<number, ChartNode>();
  const edges: ChartEdge[] = [];
  const styles = new Map<string, Record<string, string>>();
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = BOX.exec(line))) nodes.set(Number(m[1]), { id: Number(m[1]), label: unescapeLabel(m[2]), status: null });
    else if ((m = EDGE.exec(line))) edges.push({ from: Number(m[1]), to: Number(m[3]), role: m[2] });
    else if ((m = CLASS_DEF.exec(line))) styles.set(m[1], parseStyle(m[2]));
    else if ((m = CLASS.exec(line))) {
      const status = m[2];
      if (!STATUSES.has(status)) throw new Error(`unknown node status '${status}' in the Mermaid chart`);
      for (const ref of m[1].split(',')) {
        const node = nodes.get(Number(ref.slice(1)));
        if (node === undefined) throw new Error(`the Mermaid chart styles a missing node ${ref}`);
        node.status = status as NodeDisplayStatus;
        // Live labels end with the status glyph; the picture shows the status in words instead.
        const glyph = ` ${NODE_GLYPHS[node.status]}`;
        if (node.label.endsWith(glyph)) node.label = node.label.slice(0, -glyph.length);
      }
    } else if (line.trim() !== '') throw new Error(`unexpected line in the Mermaid chart: '${line}'`);
  }
  for (const e of edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) throw new Error(`the Mermaid chart has an edge to a missing node: n${e.from} -> n${e.to}`);
  }
  return { nodes: [...nodes.values()], edges, styles };
}

// The reverse of src/explain/mermaid.ts's escapeLabel, in one pass (so `#35;lt;` becomes `#lt;`).
const ENTITIES: Readonly<Record<string, string>> = { quot: '"', lt: '<', gt: '>' };
function unescapeLabel(text: string): string {
  return text.replace(/#(quot|lt|gt|[0-9]+);/g, (_, name: string) => ENTITIES[name] ?? String.fromCharCode(Number(name)));
}

function parseStyle(text: string): Record<string, string> {
  const style: Record<string, string> = {};
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) style[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return style;
}
