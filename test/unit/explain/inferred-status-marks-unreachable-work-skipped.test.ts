import { describe, expect, it } from 'vitest';
import { ifElse, join, loop, race, seq, brk } from '../../../src/graph/builders.js';
import { flatten, type FlatNode } from '../../../src/graph/flatten.js';
import { parseEnvelope } from '../../../src/graph/validate.js';
import { inferStatuses, type InferredStatus, type PhysicalStatus } from '../../../src/explain/status.js';

const nodesOf = (text: string): FlatNode[] => flatten(parseEnvelope(text));

/** `[inferred status, ancestor id]` per node id, in id order. */
function infer(nodes: FlatNode[], physical: Array<[number, PhysicalStatus]>): Array<[InferredStatus, number | null]> {
  const result = inferStatuses(nodes, new Map(physical));
  return nodes.map((n) => {
    const s = result.get(n.id);
    if (s === undefined) throw new Error(`no status for node ${n.id}`);
    return [s.inferred_status, s.inferred_status_from_ancestor_id];
  });
}

describe('inferStatuses', () => {
  // ifElse('C', seq('T1','T2'), 'E'): 1 IF, 2 THEN, 3 T1, 4 T2, 5 E, 6 C
  const ifNodes = nodesOf(ifElse('C', seq('T1', 'T2'), 'E'));

  it('keeps physical statuses when nothing is ruled out', () => {
    expect(infer(ifNodes, [[1, 'running'], [6, 'running']])).toEqual([
      ['running', null], ['pending', null], ['pending', null], ['pending', null], ['pending', null], ['running', null],
    ]);
  });

  it('marks the untaken arm of a completed IF skipped, from the IF', () => {
    expect(infer(ifNodes, [[1, 'completed'], [6, 'completed'], [5, 'completed']])).toEqual([
      ['completed', null], ['skipped', 1], ['skipped', 1], ['skipped', 1], ['completed', null], ['completed', null],
    ]);
  });

  it('marks the untaken arm skipped as soon as the other arm started', () => {
    expect(infer(ifNodes, [[1, 'running'], [6, 'completed'], [2, 'running'], [3, 'running']])).toEqual([
      ['running', null], ['running', null], ['running', null], ['pending', null], ['skipped', 1], ['completed', null],
    ]);
  });

  it('marks the right side of a failed THEN skipped, from the THEN', () => {
    // seq('A', join('B', 'C')): 1 THEN, 2 A, 3 JOIN, 4 B, 5 C
    const nodes = nodesOf(seq('A', join('B', 'C')));
    expect(infer(nodes, [[1, 'running'], [2, 'failed']])).toEqual([
      ['running', null], ['failed', null], ['skipped', 1], ['skipped', 1], ['skipped', 1],
    ]);
  });

  it('marks a RACE loser skipped once the other branch settled, keeping what it had finished', () => {
    // race(seq('A','B'), 'W'): 1 RACE, 2 THEN, 3 A, 4 B, 5 W
    const nodes = nodesOf(race(seq('A', 'B'), 'W'));
    expect(infer(nodes, [[1, 'running'], [2, 'running'], [3, 'completed'], [4, 'running'], [5, 'completed']])).toEqual([
      ['running', null], ['skipped', 1], ['completed', null], ['skipped', 1], ['completed', null],
    ]);
  });

  it('marks work left inside a settled loop skipped, from the loop', () => {
    // loop(seq(brk('x'), 'A'), 'C'): 1 LOOP, 2 THEN, 3 BREAK, 4 A, 5 C
    const nodes = nodesOf(loop(seq(brk('x'), 'A'), 'C'));
    expect(infer(nodes, [[1, 'completed'], [2, 'running'], [3, 'completed']])).toEqual([
      ['completed', null], ['skipped', 1], ['completed', null], ['skipped', 1], ['skipped', 1],
    ]);
  });

  it('attributes a skip to the outermost deciding ancestor', () => {
    // seq('A', ifElse('C', 'T', 'E')): 1 THEN, 2 A, 3 IF, 4 T, 5 E, 6 C
    const nodes = nodesOf(seq('A', ifElse('C', 'T', 'E')));
    expect(infer(nodes, [[1, 'failed'], [2, 'failed']])).toEqual([
      ['failed', null], ['failed', null], ['skipped', 1], ['skipped', 1], ['skipped', 1], ['skipped', 1],
    ]);
  });
});
