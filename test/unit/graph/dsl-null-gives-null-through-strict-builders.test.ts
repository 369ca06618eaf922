import { describe, expect, it } from 'vitest';
import { GraphError } from '../../../src/graph/envelope.js';
import { brk, loop } from '../../../src/graph/builders.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });
const NULL_RESULT = 'Cannot explain input: the expression is NULL';

describe('NULL follows SQL', () => {
  it.each([
    'NULL',
    "df.seq(NULL, 'a')",
    "NULL ~> 'a'",
    "'a' & NULL",
    '@> NULL',
    'df.sleep(NULL)',
    "df.retry('f', 3, NULL)",
    "NULL::text ~> 'a'",
    "df.seq(df.sql(NULL), 'a') |=> 'n'",
  ])('a STRICT builder or operator given NULL in %s gives NULL, which explain refuses', (text) => {
    expect(() => read(text)).toThrow(NULL_RESULT);
  });

  it('passes NULL to the builders that are not STRICT', () => {
    expect(read("df.loop('b', NULL)")).toBe(loop('b', null));
    expect(read('df.break(NULL)')).toBe(brk(null));
  });

  it('still evaluates every argument first, so an error beside a NULL surfaces', () => {
    expect(() => read('df.seq(NULL, df.sleep(-1))')).toThrow(new GraphError('Sleep duration must be non-negative, got -1'));
  });

  it('names a NULL loop body instead of failing inside the builder', () => {
    expect(() => read('df.loop(NULL)')).toThrow('Cannot explain input: the body of df.loop is NULL');
  });

  it('lets df.wait_for_signal reject a NULL name itself', () => {
    expect(() => read('df.wait_for_signal(NULL)')).toThrow(new GraphError('Signal name cannot be empty'));
  });
});
