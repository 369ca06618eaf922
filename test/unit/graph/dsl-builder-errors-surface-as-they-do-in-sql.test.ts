import { describe, expect, it } from 'vitest';
import { GraphError } from '../../../src/graph/envelope.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });

describe("a builder's own error reaches the caller unchanged", () => {
  it.each([
    ["'x' !> 'e'", 'left side of !> must be a ?> expression'],
    ["df.as('a', 'bad name')", 'result name "bad name" is not a valid identifier'],
    ['df.sleep(-1)', 'df.sleep seconds must not be negative, got -1'],
    ["df.wait_for_schedule('bad')", "invalid cron expression 'bad'"],
    ["' ' ~> 'a'", 'a SQL step must not be empty'],
    ["'OK' ~> 'a'", "cannot be called inside a workflow ('OK' is what one of them returned)"],
    ["df.http('https://example.com')", 'df.http is not available yet in this version'],
  ])('%s', (text, message) => {
    expect(() => read(text)).toThrow(GraphError);
    expect(() => read(text)).toThrow(message);
  });

  it('leaves an unfinished ?> to whoever starts or explains the envelope', () => {
    expect(JSON.parse(read("'c' ?> 't'"))).toEqual({
      node_type: 'IF', left_node: { node_type: 'SQL', query: 't' }, condition_node: { node_type: 'SQL', query: 'c' },
    });
  });
});
