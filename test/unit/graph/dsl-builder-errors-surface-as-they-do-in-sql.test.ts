import { describe, expect, it } from 'vitest';
import { GraphError } from '../../../src/graph/envelope.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });

describe("a builder's own error reaches the caller unchanged", () => {
  it.each([
    ["'x' !> 'e'", 'Invalid if-then-else: left side of !> must be a ?> expression'],
    ["df.as('a', 'bad name')", "df.as: result name 'bad name' is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*"],
    ['df.sleep(-1)', 'Sleep duration must be non-negative, got -1'],
    ["df.wait_for_schedule('bad')", "Invalid cron expression 'bad'"],
    ["' ' ~> 'a'", 'a SQL step must not be empty'],
    ["'OK' ~> 'a'", "cannot be called inside a workflow ('OK' is what one of them returned)"],
    ["df.http('ftp://example.com')", "Blocked: unsupported URL scheme 'ftp'. Only http and https are allowed."],
    ["df.http_multipart('https://example.com', 'POST', '[]')", 'parts must contain at least one part'],
  ])('%s', (text, message) => {
    expect(() => read(text)).toThrow(GraphError);
    expect(() => read(text)).toThrow(message);
  });

  it('df.http builds the node the reference builds, headers from jsonb text', () => {
    expect(JSON.parse(read(`df.http('https://example.com/v1', 'post', '{"a":1}', '{"Authorization":"Bearer x"}', 5)`))).toEqual({
      node_type: 'HTTP',
      query: JSON.stringify({
        url: 'https://example.com/v1', method: 'POST', body: '{"a":1}', headers: { Authorization: 'Bearer x' }, timeout_seconds: 5,
      }),
    });
  });

  it('leaves an unfinished ?> to whoever starts or explains the envelope', () => {
    expect(JSON.parse(read("'c' ?> 't'"))).toEqual({
      node_type: 'IF', left_node: { node_type: 'SQL', query: 't' }, condition_node: { node_type: 'SQL', query: 'c' },
    });
  });
});
