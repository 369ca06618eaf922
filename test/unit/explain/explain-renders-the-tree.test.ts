import { describe, expect, it } from 'vitest';
import {
  as, brk, ifElse, ifRows, join, join3, loop, race, retry, seq, sleep, sql, waitForSchedule, waitForSignal,
} from '../../../src/graph/builders.js';
import { flatten, type FlatNode } from '../../../src/graph/flatten.js';
import { parseEnvelope } from '../../../src/graph/validate.js';
import { renderExplain, type ExplainHeader } from '../../../src/explain/render.js';
import type { NodeDisplayStatus } from '../../../src/explain/labels.js';

const nodesOf = (text: string): FlatNode[] => flatten(parseEnvelope(text));
const dryRun = (text: string): string => renderExplain(nodesOf(text));

describe('dry run: the tree only', () => {
  it('a single SQL step is one line', () => {
    expect(dryRun(sql('SELECT 1'))).toBe('SQL: SELECT 1');
  });

  it('a sequence puts → before every step after the first', () => {
    expect(dryRun(seq('SELECT 1', 'SELECT 2'))).toBe('SQL: SELECT 1\n→ SQL: SELECT 2');
  });

  it('nested THENs in either direction flatten into one chain', () => {
    const left = seq(seq('A', 'B'), 'C');
    const right = seq('A', seq('B', 'C'));
    const expected = 'SQL: A\n→ SQL: B\n→ SQL: C';
    expect(dryRun(left)).toBe(expected);
    expect(dryRun(right)).toBe(expected);
  });

  it('a named THEN keeps its own line with its chain below it', () => {
    expect(dryRun(seq(as(seq('A', 'B'), 'ab'), 'C'))).toBe(
      ["THEN |=> 'ab'", '  SQL: A', '  → SQL: B', '→ SQL: C'].join('\n'),
    );
  });

  it('IF shows condition, then and else with a labelled chain on lines of its own', () => {
    expect(dryRun(ifElse('SELECT true', seq('A', 'B'), 'C'))).toBe([
      'IF',
      '  ? condition: SQL: SELECT true',
      '  ✓ then:',
      '    SQL: A',
      '    → SQL: B',
      '  ✗ else: SQL: C',
    ].join('\n'));
  });

  it('if_rows shows the named result as its condition', () => {
    expect(dryRun(ifRows('batch', 'A', 'B'))).toBe(
      ['IF', '  ? condition: $batch has rows', '  ✓ then: SQL: A', '  ✗ else: SQL: B'].join('\n'),
    );
  });

  it('loops show body and while-condition, or are infinite', () => {
    expect(dryRun(loop(seq('A', brk('done')), 'SELECT more'))).toBe([
      'LOOP (while)',
      '  ↻ body:',
      '    SQL: A',
      "    → BREAK 'done'",
      '  ? while: SQL: SELECT more',
    ].join('\n'));
    expect(dryRun(loop(brk()))).toBe('LOOP (infinite)\n  ↻ body: BREAK');
  });

  it('JOIN counts its branches and numbers them; RACE numbers its branches', () => {
    expect(dryRun(join3('A', 'B', 'C'))).toBe(
      ['JOIN (3)', '  ║ branch 1: SQL: A', '  ║ branch 2: SQL: B', '  ║ branch 3: SQL: C'].join('\n'),
    );
    expect(dryRun(race(sleep(60), waitForSignal('go', 30)))).toBe(
      ['RACE', '  ║ branch 1: SLEEP 60s', "  ║ branch 2: SIGNAL 'go' (30s)"].join('\n'),
    );
  });

  it('nested composites indent two more spaces per level', () => {
    expect(dryRun(seq('A', join(ifElse('C', 'T', 'E'), 'B')))).toBe([
      'SQL: A',
      '→ JOIN (2)',
      '  ║ branch 1: IF',
      '    ? condition: SQL: C',
      '    ✓ then: SQL: T',
      '    ✗ else: SQL: E',
      '  ║ branch 2: SQL: B',
    ].join('\n'));
  });

  it('labels the wait nodes, names and retry policies', () => {
    expect(dryRun(seq(as(waitForSchedule('0 9 * * 1'), 'tick'), seq(waitForSignal('approve'), retry('A', 4))))).toBe(
      ["WAIT '0 9 * * 1' |=> 'tick'", "→ SIGNAL 'approve' (no timeout)", '→ SQL: A [retry: 4 attempts]'].join('\n'),
    );
  });

  it('clips statements longer than 47 characters and flattens their whitespace', () => {
    const query = 'SELECT id,\n       name\n  FROM customers WHERE active AND region = 42 ORDER BY name';
    expect(dryRun(seq(query, 'B'))).toBe(
      'SQL: SELECT id, name FROM customers WHERE active AND…\n→ SQL: B',
    );
  });

  it('a statement of exactly 47 characters is not clipped', () => {
    const query = 'SELECT 1234567890123456789012345678901234567890';
    expect(query).toHaveLength(47);
    expect(dryRun(seq(query, 'B'))).toBe(`SQL: ${query}\n→ SQL: B`);
  });

  it('shows whole statements when asked to', () => {
    const query = 'SELECT id, name FROM customers WHERE active AND region = 42 ORDER BY name';
    expect(renderExplain(nodesOf(seq(query, 'B')), { fullQueries: true })).toBe(`SQL: ${query}\n→ SQL: B`);
  });
});

describe('live mode', () => {
  const header: ExplainHeader = { instanceId: '0a1b2c3d', label: 'nightly', status: 'running', output: null };

  it('prints the header, a blank line, then the tree with a glyph per node', () => {
    const nodes = nodesOf(seq(as('A', 'a'), ifElse('C', 'T', 'E')));
    // 1 THEN, 2 A, 3 IF, 4 T, 5 E, 6 C
    const statuses = new Map<number, NodeDisplayStatus>([
      [1, 'running'], [2, 'completed'], [3, 'running'], [4, 'running'], [5, 'skipped'], [6, 'completed'],
    ]);
    expect(renderExplain(nodes, { header, statuses })).toBe([
      'Instance: 0a1b2c3d (nightly)',
      'Status:   ⏳ running',
      '',
      "SQL: A |=> 'a' ✓",
      '→ IF ⏳',
      '  ? condition: SQL: C ✓',
      '  ✓ then: SQL: T ⏳',
      '  ✗ else: SQL: E ⊘',
    ].join('\n'));
  });

  it('shows failed and pending glyphs and omits the label parentheses when there is no label', () => {
    const nodes = nodesOf(seq('A', 'B'));
    const statuses = new Map<number, NodeDisplayStatus>([[1, 'failed'], [2, 'failed'], [3, 'pending']]);
    const failed: ExplainHeader = { instanceId: '0a1b2c3d', label: null, status: 'failed', output: '"boom"' };
    expect(renderExplain(nodes, { header: failed, statuses })).toBe(
      ['Instance: 0a1b2c3d', 'Status:   ✗ failed', 'Output:   "boom"', '', 'SQL: A ✗', '→ SQL: B ○'].join('\n'),
    );
  });

  it('cuts the output after 57 characters and marks the cut with ...', () => {
    const output = '{"rows":[{"id":1,"name":"a fairly long customer name"}],"row_count":1}';
    const completed: ExplainHeader = { instanceId: '0a1b2c3d', label: 'x', status: 'completed', output };
    expect(renderExplain(nodesOf(seq('A', 'B')), { header: completed }).split('\n').slice(0, 3)).toEqual([
      'Instance: 0a1b2c3d (x)',
      'Status:   ✓ completed',
      `Output:   ${output.slice(0, 57)}...`,
    ]);
  });

  it('shows an output of at most 57 characters whole', () => {
    const output = 'x'.repeat(57);
    const cancelled: ExplainHeader = { instanceId: '0a1b2c3d', label: 'x', status: 'cancelled', output };
    expect(renderExplain(nodesOf(seq('A', 'B')), { header: cancelled }).split('\n').slice(1, 3)).toEqual([
      'Status:   ⊘ cancelled',
      `Output:   ${output}`,
    ]);
  });
});

describe('large graphs', () => {
  it('renders a 10,000-node JOIN with one line per node quickly', () => {
    const SQL = '{"node_type":"SQL","query":"SELECT 1"}';
    const extras = Array.from({ length: 9_997 }, () => SQL).join(',');
    const nodes = nodesOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${extras}]}`);
    const started = performance.now();
    const lines = renderExplain(nodes).split('\n');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(lines).toHaveLength(10_000);
    expect(lines[0]).toBe('JOIN (9999)');
    expect(lines[9_999]).toBe('  ║ branch 9999: SQL: SELECT 1');
  });

  it('renders a THEN chain nested 256 deep as one flat list', () => {
    let chain = sql('SELECT 0');
    for (let i = 1; i < 256; i += 1) chain = seq(chain, `SELECT ${i}`);
    const lines = dryRun(chain).split('\n');
    expect(lines).toHaveLength(256);
    expect(lines[0]).toBe('SQL: SELECT 0');
    expect(lines[255]).toBe('→ SQL: SELECT 255');
  });
});
