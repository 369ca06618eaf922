// The pictures are drawn from df.explain's Mermaid text: whatever a statement holds (quotes,
// angle brackets, ampersands, Mermaid's own entity codes) comes back as the same label and
// lands in the SVG and the page as text, never as markup.
import { describe, expect, it } from 'vitest';
import type { FlatNode } from '../../src/graph/flatten.js';
import { renderMermaid } from '../../src/explain/render.js';
import { parseMermaid } from '../../src/cli/chart.js';
import { renderSvg } from '../../src/cli/svg.js';
import { pictureHtml } from '../../src/cli/page.js';

const node = (id: number, parent: number | null, query: string, extra: Partial<FlatNode> = {}): FlatNode => ({
  id, parent, node_type: 'SQL', query, result_name: null, left_node: null, right_node: null, condition_node: null,
  extra_nodes: [], retry: null, ...extra,
});

const HOSTILE = `SELECT '<script>alert("x")</script> & #quot; #35; ]"' AS "a>b"`;
const nodes: FlatNode[] = [
  node(1, null, '', { node_type: 'THEN', left_node: 2, right_node: 3 }),
  node(2, 1, HOSTILE),
  node(3, 1, 'SELECT 2'),
];

describe('pictures of hostile labels', () => {
  it('read every label back from the Mermaid chart exactly', () => {
    const chart = parseMermaid(renderMermaid(nodes, new Map([[1, 'running'], [2, 'completed'], [3, 'pending']])));
    expect(chart.nodes.map((n) => [n.id, n.label, n.status])).toEqual([
      [1, 'THEN', 'running'],
      [2, `SQL: ${HOSTILE}`.slice(0, 5 + 47) + '…', 'completed'],
      [3, 'SQL: SELECT 2', 'pending'],
    ]);
    expect(chart.edges).toEqual([{ from: 1, to: 2, role: 'first' }, { from: 1, to: 3, role: 'next' }]);
    expect(chart.styles.get('completed')).toEqual({ fill: '#d3f9d8', stroke: '#2b8a3e' });
  });

  it('put them into the SVG and the page as text only', () => {
    const full = parseMermaid(renderMermaid(nodes, undefined, { fullQueries: true }));
    expect(full.nodes[1].label).toBe(`SQL: ${HOSTILE}`);
    const svg = renderSvg(full, HOSTILE).svg;
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; #quot; #35; ]&#34;');
    const html = pictureHtml({ chart: full, mermaid: 'flowchart TD', input: HOSTILE });
    expect(html).not.toContain('<script');
    expect(html.match(/<svg /g)).toHaveLength(1);
  });

  it('refuse a chart they do not understand instead of guessing', () => {
    expect(() => parseMermaid('graph LR\n  a --> b')).toThrow("not a df.explain Mermaid chart (first line: 'graph LR')");
    expect(() => parseMermaid('flowchart TD\n  n1["A"]\n  n1 --> n2')).toThrow("unexpected line in the Mermaid chart: '  n1 --> n2'");
    expect(() => parseMermaid('flowchart TD\n  n1["A"]\n  n1 -->|next| n2')).toThrow('an edge to a missing node: n1 -> n2');
  });

  it('lay a deep chain out without running out of stack', () => {
    const depth = 20_000;
    const chain = ['flowchart TD', ...Array.from({ length: depth }, (_, i) => `  n${i + 1}["SQL: SELECT ${i}"]`)];
    for (let i = 1; i < depth; i++) chain.push(`  n${i} -->|next| n${i + 1}`);
    const svg = renderSvg(parseMermaid(chain.join('\n')), 'deep').svg;
    expect(svg.match(/<g class="node"/g)).toHaveLength(depth);
  });
});
