import { describe, expect, it } from 'vitest';
import { as, ifRows, join3, loop, seq, sql, waitForSignal } from '../../../src/graph/builders.js';
import { flatten, type FlatNode } from '../../../src/graph/flatten.js';
import { parseEnvelope } from '../../../src/graph/validate.js';
import { renderExplain, renderMermaid } from '../../../src/explain/render.js';
import type { NodeDisplayStatus } from '../../../src/explain/labels.js';
import { parseMermaid } from '../../../src/cli/chart.js';

const nodesOf = (text: string): FlatNode[] => flatten(parseEnvelope(text));

describe('renderMermaid', () => {
  it('draws one box per node and labels each edge with the child role', () => {
    expect(renderMermaid(nodesOf(seq(as('A', 'a'), join3('X', 'Y', loop('B', 'C')))))).toBe([
      'flowchart TD',
      '  n1["THEN"]',
      "  n2[\"SQL: A |=#gt; 'a'\"]",
      '  n3["JOIN (3)"]',
      '  n4["SQL: X"]',
      '  n5["SQL: Y"]',
      '  n6["LOOP (while)"]',
      '  n7["SQL: B"]',
      '  n8["SQL: C"]',
      '  n1 -->|first| n2',
      '  n1 -->|next| n3',
      '  n3 -->|branch 1| n4',
      '  n3 -->|branch 2| n5',
      '  n3 -->|branch 3| n6',
      '  n6 -->|body| n7',
      '  n6 -->|while| n8',
    ].join('\n'));
  });

  it('puts the if_rows condition into the IF box', () => {
    expect(renderMermaid(nodesOf(ifRows('found', 'A', 'B'))).split('\n')[1]).toBe('  n1["IF: #36;found has rows"]');
  });

  it('escapes quotes, #, < and > in labels', () => {
    expect(renderMermaid(nodesOf(sql(`SELECT '"#1' WHERE a < b`)))).toBe(
      "flowchart TD\n  n1[\"SQL: SELECT '#quot;#35;1' WHERE a #lt; b\"]",
    );
  });

  it('escapes what Mermaid would read as a formula or an entity, and the CLI reads it back', () => {
    const label = `SELECT $$x$$, '&lt;' AS "a"`;
    const text = renderMermaid(nodesOf(sql(label)));
    expect(text).toBe('flowchart TD\n  n1["SQL: SELECT #36;#36;x#36;#36;, \'#38;lt;\' AS #quot;a#quot;"]');
    expect(parseMermaid(text).nodes[0].label).toBe(`SQL: ${label}`);
  });

  it('shows control characters of names escaped, so every box and line of the tree stays one line', () => {
    const node = nodesOf(waitForSignal('two\nlines\x01'));
    expect(renderMermaid(node)).toBe("flowchart TD\n  n1[\"SIGNAL 'two\\nlines\\x01' (no timeout)\"]");
    expect(renderExplain(node)).toBe("SIGNAL 'two\\nlines\\x01' (no timeout)");
  });

  it('adds a glyph and a colour class per status in live mode', () => {
    const statuses = new Map<number, NodeDisplayStatus>([[1, 'failed'], [2, 'failed'], [3, 'skipped']]);
    expect(renderMermaid(nodesOf(seq('A', 'B')), statuses)).toBe([
      'flowchart TD',
      '  n1["THEN ✗"]',
      '  n2["SQL: A ✗"]',
      '  n3["SQL: B ⊘"]',
      '  n1 -->|first| n2',
      '  n1 -->|next| n3',
      '  classDef failed fill:#ffe3e3,stroke:#c92a2a',
      '  class n1,n2 failed',
      '  classDef skipped fill:#f8f9fa,stroke:#adb5bd,stroke-dasharray:3 3',
      '  class n3 skipped',
    ].join('\n'));
  });
});
