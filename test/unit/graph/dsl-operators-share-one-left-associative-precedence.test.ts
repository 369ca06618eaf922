import { describe, expect, it } from 'vitest';
import { as, completeIf, join, loop, partialIf, race, seq, sleep } from '../../../src/graph/builders.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });
const ifElse = (c: string, t: string, e: string): string => completeIf(partialIf(c, t), e);

describe('the workflow operators share one precedence level, left-associative, as PostgreSQL parses them', () => {
  it("names the whole sequence in 'A' ~> 'B' |=> 'n' ~> 'C'", () => {
    expect(read("'A' ~> 'B' |=> 'n' ~> 'C'")).toBe(seq(as(seq('A', 'B'), 'n'), 'C'));
  });

  it('makes the sequence before ?> the condition', () => {
    expect(read("'x' ~> 'c' ?> 't' !> 'e'")).toBe(ifElse(seq('x', 'c'), 't', 'e'));
  });

  it('nests & and | from the left', () => {
    expect(read("'A' & 'B' & 'C'")).toBe(join(join('A', 'B'), 'C'));
    expect(read("'A' | 'B' ~> 'C'")).toBe(seq(race('A', 'B'), 'C'));
  });

  it('follows parentheses over the left-to-right order', () => {
    expect(read("'A' ~> ('B' |=> 'n') ~> 'C'")).toBe(seq(seq('A', as('B', 'n')), 'C'));
    expect(read("'A' & ('B' | 'C')")).toBe(join('A', race('B', 'C')));
  });

  it('continues an IF expression after its else branch', () => {
    expect(read("'A' ?> 'B' !> 'C' ?> 'D' !> 'E'")).toBe(ifElse(ifElse('A', 'B', 'C'), 'D', 'E'));
  });

  it('binds prefix @> to the next operand only', () => {
    expect(read("@> 'a' ~> 'b'")).toBe(seq(loop('a'), 'b'));
    expect(read("'x' ~> @> @> 'a' ~> 'b'")).toBe(seq(seq('x', loop(loop('a'))), 'b'));
    expect(read("@> ('a' ~> 'b')")).toBe(loop(seq('a', 'b')));
  });

  it('applies a cast before the operators around it', () => {
    expect(read("@> 'a'::text ~> df.sleep(5)::text")).toBe(seq(loop('a'), sleep(5)));
  });
});
