import { describe, expect, it } from 'vitest';
import { loop, sql } from '../../../src/graph/builders.js';
import { envelopeFromDsl, MAX_INPUT_BYTES } from '../../../src/graph/dsl/index.js';
import { MAX_NESTING } from '../../../src/graph/dsl/parser.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });
const TOO_DEEP = `Cannot explain input: the expression nests deeper than ${MAX_NESTING} levels (parentheses, calls and @>)`;

describe('nesting', () => {
  it(`reads ${MAX_NESTING} levels of parentheses and calls`, () => {
    expect(read(`${'('.repeat(MAX_NESTING)}'a'${')'.repeat(MAX_NESTING)}`)).toBe('a');
    expect(read(`${'df.sql('.repeat(MAX_NESTING)}'a'${')'.repeat(MAX_NESTING)}`)).toBe(sql('a'));
  });

  it('refuses one level more, naming where it starts', () => {
    expect(() => read(`${'('.repeat(MAX_NESTING + 1)}'a'${')'.repeat(MAX_NESTING + 1)}`)).toThrow(`${TOO_DEEP} at position ${MAX_NESTING + 1}`);
    expect(() => read(`${'@> '.repeat(MAX_NESTING + 1)}'a'`)).toThrow(`${TOO_DEEP} at position ${3 * MAX_NESTING + 1}`);
  });

  it('refuses 300,000 open parentheses without overflowing the stack', () => {
    expect(() => read('('.repeat(300_000))).toThrow(TOO_DEEP);
  });

  it('builds graphs of any depth, as the builders do (df.explain then says one is too deep)', () => {
    expect(read(`${'@> '.repeat(300)}'a'`)).toBe(Array.from({ length: 300 }).reduce<string>((body) => loop(body), 'a'));
  });

  it('evaluates a long left-nested chain without recursion', () => {
    const renames = `'a'${" |=> 'n'".repeat(20_000)}`;
    expect(read(renames)).toBe('{"node_type":"SQL","query":"a","result_name":"n"}');
    expect(() => read(Array(20_000).fill("'a'").join(' ~> '))).toThrow(
      'Cannot explain input: building it would make the builders read more than 64 MiB of workflow text',
    );
  });
});

describe('size', () => {
  it('reads a text of exactly 1 MiB', () => {
    expect(read(`'${'x'.repeat(MAX_INPUT_BYTES - 2)}'`)).toHaveLength(MAX_INPUT_BYTES - 2);
  });

  it('refuses a longer text, counting UTF-8 bytes', () => {
    const message = 'Cannot explain input: the input is longer than 1 MiB (1048576 bytes)';
    expect(() => read(`'${'x'.repeat(MAX_INPUT_BYTES - 1)}'`)).toThrow(message);
    expect(() => read(`'${'é'.repeat(MAX_INPUT_BYTES / 2)}'`)).toThrow(message);
  });

  it('stops builders re-reading a large graph over and over', () => {
    let level = Array.from({ length: 2048 }, (_, i) => `'SELECT ${i}'`);
    while (level.length > 1) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(`(${level[i]} & ${level[i + 1]})`);
      level = next;
    }
    expect(() => read(`${level[0]}${" |=> 'n'".repeat(50_000)}`)).toThrow(
      'Cannot explain input: building it would make the builders read more than 64 MiB of workflow text',
    );
  });
});
