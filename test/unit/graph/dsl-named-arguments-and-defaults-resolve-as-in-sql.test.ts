import { describe, expect, it } from 'vitest';
import { brk, loop, retry, seq, waitForSignal } from '../../../src/graph/builders.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });

describe('named arguments', () => {
  it('match the documented parameter names in any order', () => {
    expect(read("df.wait_for_signal(name => 'x', timeout_seconds => 5)")).toBe(waitForSignal('x', 5));
    expect(read("df.loop(condition => 'c', body => 'b')")).toBe(loop('b', 'c'));
    expect(read("df.seq(b => 'B', a => 'A')")).toBe(seq('A', 'B'));
  });

  it('follow positional ones', () => {
    expect(read("df.retry('f', max_attempts => 3)")).toBe(retry('f', 3));
    expect(read("df.retry('f', 3, backoff => 3)")).toBe(retry('f', 3, 1, 3));
  });

  it('accept quoted names, upper case and the older := form', () => {
    expect(read('df.seq("a" => \'A\', B => \'B\')')).toBe(seq('A', 'B'));
    expect(read("df.seq('A', b := 'B')")).toBe(seq('A', 'B'));
  });

  it('split => from a following sign as PostgreSQL lexes it', () => {
    expect(read("df.wait_for_signal('x', timeout_seconds=>+5)")).toBe(waitForSignal('x', 5));
  });

  it.each([
    ["df.seq(b => 'x', 'y')", 'the positional argument at position 18 follows a named argument'],
    ["df.seq('x', a => 'y')", 'argument a of df.seq is given twice at position 1'],
    ["df.seq('x', c => 'y')", 'df.seq(a text, b text) has no parameter named "c" (at position 1)'],
    ["df.seq(a => 'x', a => 'y')", 'the argument name "a" at position 18 is used more than once'],
    ['df.seq("A" => \'x\', b => \'y\')', 'df.seq(a text, b text) has no parameter named "A" (at position 1)'],
  ])('reject %s', (text, message) => {
    expect(() => read(text)).toThrow(`Cannot explain input: ${message}`);
  });
});

describe('arity and DEFAULTs', () => {
  it('fill in the SQL DEFAULTs', () => {
    expect(read("df.loop('b')")).toBe(loop('b', null));
    expect(read('df.break()')).toBe(brk(null));
    expect(read("df.wait_for_signal('x')")).toBe(waitForSignal('x', null));
    expect(read("df.retry('f', 2)")).toBe(retry('f', 2, 1, 2, 300));
  });

  it('reject missing and extra arguments', () => {
    expect(() => read("df.seq('a')")).toThrow('Cannot explain input: df.seq(a text, b text) is missing argument b at position 1');
    expect(() => read("df.seq('a', 'b', 'c')")).toThrow('df.seq(a text, b text) takes at most 2 arguments, got 3');
    expect(() => read("df.if('c', 't')")).toThrow('df.if(cond text, then_branch text, else_branch text) is missing argument else_branch');
  });
});
