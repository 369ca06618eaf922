import { describe, expect, it } from 'vitest';
import {
  as, completeIf, http, httpMultipart, ifRows, join, loop, partialIf, retry, seq, sleep, sql, waitForSchedule, waitForSignal,
  workflowFromText,
} from '../../../src/graph/builders.js';
import { GraphError, NODE_TYPES } from '../../../src/graph/envelope.js';

const VALID_TYPES = NODE_TYPES.join(', ');
const NOT_AN_IDENTIFIER = 'is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*';

describe('auto-wrap', () => {
  it('turns a JSON object without node_type into a SQL step', () => {
    expect(seq('{"a":1}', 'B')).toBe(
      '{"node_type":"THEN","left_node":{"node_type":"SQL","query":"{\\"a\\":1}"},"right_node":{"node_type":"SQL","query":"B"}}',
    );
  });

  it('refuses to wrap a broken envelope as SQL', () => {
    expect(() => seq('{"node_type":"SQL","query":"x"', 'B')).toThrow(
      /^Invalid Durofut JSON: failed to deserialize workflow step: Malformed Durofut JSON: \S/,
    );
  });

  it('refuses an envelope with an unknown node type', () => {
    expect(() => seq('{"node_type":"FOO"}', 'B')).toThrow(
      new GraphError(`Invalid Durofut JSON: failed to deserialize workflow step: Unknown node_type 'FOO'. Valid types: ${VALID_TYPES}`),
    );
  });

  it('rejects an empty SQL step', () => {
    expect(() => seq('  ', 'B')).toThrow('a SQL step must not be empty');
  });
});

describe('helper return values are not steps', () => {
  it.each(['OK', 'completed', 'failed', 'cancelled'])('rejects %s with advice to call the helper first', (value) => {
    expect(() => seq(value, 'SELECT 1')).toThrow(
      `df.setvar(), df.unsetvar(), df.clearvars(), df.signal() and df.await_instance() cannot be called inside a ` +
        `workflow ('${value}' is what one of them returned): they run at once, so call them before df.start()`,
    );
  });

  it('rejects a helper value given to df.sql as well', () => {
    expect(() => sql('OK')).toThrow(GraphError);
  });

  it('still accepts ordinary SQL that merely contains such a word', () => {
    expect(sql("SELECT 'OK'")).toBe('{"node_type":"SQL","query":"SELECT \'OK\'"}');
  });
});

describe('names', () => {
  it.each(['1abc', 'a-b', 'a b', 'naïve'])('as rejects the name %j in the reference\'s words', (name) => {
    expect(() => as('A', name)).toThrow(new GraphError(`df.as: result name '${name}' ${NOT_AN_IDENTIFIER}`));
  });

  it('as rejects an empty name', () => {
    expect(() => as('A', '')).toThrow(new GraphError('df.as: result name cannot be empty'));
  });

  it('ifRows rejects a bad result name', () => {
    expect(() => ifRows('$x', 'A', 'B')).toThrow(new GraphError(`df.if_rows: result name '$x' ${NOT_AN_IDENTIFIER}`));
  });
});

describe('the ?> and !> pair', () => {
  it('!> needs a ?> expression on its left', () => {
    const message = 'Invalid if-then-else: left side of !> must be a ?> expression';
    expect(() => completeIf(seq('A', 'B'), 'C')).toThrow(new GraphError(message));
    expect(() => completeIf('SELECT 1', 'C')).toThrow(new GraphError(message));
  });

  it('a complete IF cannot be completed again', () => {
    expect(() => completeIf(completeIf(partialIf('C', 'A'), 'B'), 'D')).toThrow(
      new GraphError('Invalid if-then-else: left side of !> must be a ?> expression'),
    );
  });

  it('an unfinished ?> cannot be used as a step', () => {
    const message = 'Invalid durable function graph: root: incomplete ?> expression: add !> else-branch';
    expect(() => seq(partialIf('C', 'A'), 'B')).toThrow(new GraphError(message));
    expect(() => as(partialIf('C', 'A'), 'n')).toThrow(new GraphError(message));
  });
});

describe('numeric and text arguments', () => {
  it('sleep rejects negative seconds', () => {
    expect(() => sleep(-1)).toThrow(new GraphError('Sleep duration must be non-negative, got -1'));
    expect(() => sleep('-5')).toThrow(new GraphError('Sleep duration must be non-negative, got -5'));
  });

  it('sleep rejects fractions and non-numbers', () => {
    expect(() => sleep(1.5)).toThrow('df.sleep seconds must be a whole number, got 1.5');
    expect(() => sleep(' 1.5 ')).toThrow('df.sleep seconds must be a whole number, got 1.5');
    expect(() => sleep('ten')).toThrow('df.sleep seconds must be a whole number, got ten');
  });

  it('waitForSchedule rejects an invalid cron expression when the workflow is built', () => {
    expect(() => waitForSchedule('61 * * * *')).toThrow(/^Invalid cron expression '61 \* \* \* \*': \S/);
  });

  it('waitForSignal rejects an empty or missing name', () => {
    expect(() => waitForSignal('')).toThrow(new GraphError('Signal name cannot be empty'));
    expect(() => waitForSignal(null)).toThrow(new GraphError('Signal name cannot be empty'));
  });

  it('waitForSignal rejects a timeout of zero or less', () => {
    expect(() => waitForSignal('s', 0)).toThrow(new GraphError('Timeout must be positive, got 0'));
    expect(() => waitForSignal('s', -3)).toThrow(new GraphError('Timeout must be positive, got -3'));
  });

  it('retry rejects impossible policies', () => {
    expect(() => retry('A', 0)).toThrow('retry max_attempts must be a whole number from 1 to 1000, got number 0');
    expect(() => retry('A', 3, -1)).toThrow('retry delay_seconds must be a number from 0 to 31536000 (1 year), got number -1');
    expect(() => retry('A', 3, 1, 0.5)).toThrow('retry backoff must be a number from 1 to 10, got number 0.5');
    expect(() => retry('A', 3, 1, 2, Number.NaN)).toThrow(
      'retry max_delay_seconds must be a number from delay_seconds (1) to 31536000 (1 year), got number NaN',
    );
  });

  it('http rejects what the reference rejects, in its words', () => {
    expect(() => http('file:///etc/passwd', 'GET', null, null, 30)).toThrow(
      new GraphError("Blocked: unsupported URL scheme 'file'. Only http and https are allowed."),
    );
    expect(() => http('example.com/x', 'GET', null, null, 30)).toThrow(
      new GraphError("Blocked: unsupported URL scheme 'example.com/x'. Only http and https are allowed."),
    );
    expect(() => http('https://e.test/', 'TRACE', null, null, 30)).toThrow(
      new GraphError('Invalid HTTP method: TRACE. Must be GET, POST, PUT, DELETE, or PATCH'),
    );
    expect(() => http('https://e.test/', 'get', null, null, 0)).toThrow(new GraphError('Timeout must be positive'));
  });

  it('http rejects, in our words, a timeout beyond 300 s and header values that are not strings', () => {
    expect(() => http('https://e.test/', 'GET', null, null, 301)).toThrow(
      new GraphError('df.http: timeout_seconds must be at most 300, got 301'),
    );
    expect(() => http('https://e.test/', 'GET', null, { 'X-Count': 3 }, 30)).toThrow(
      new GraphError('df.http: the value of header "X-Count" must be a JSON string, got number 3'),
    );
    expect(() => http('https://e.test/', 'GET', null, ['a'], 30)).toThrow(
      new GraphError('df.http: headers must be a JSON object of header names and string values'),
    );
  });

  it('http checks a templated URL only once it is resolved', () => {
    expect(JSON.parse(http('{base}/v1', 'post', null, null, 30))).toMatchObject({ node_type: 'HTTP' });
    expect(JSON.parse(http('$api.url', 'post', null, null, 30))).toMatchObject({ node_type: 'HTTP' });
  });

  it('http_multipart needs body-carrying methods and a non-empty array of well-formed parts', () => {
    const mp = (method: string, parts: unknown) => () => httpMultipart('https://e.test/', method, parts, null, 30);
    expect(mp('GET', [{ name: 'a', data: 'x' }])).toThrow(
      new GraphError('Invalid HTTP method for multipart: GET. Must be POST, PUT, or PATCH'),
    );
    expect(mp('POST', null)).toThrow(new GraphError('parts is required and cannot be NULL'));
    expect(mp('POST', { name: 'a' })).toThrow(new GraphError('parts must be a JSON array of part objects'));
    expect(mp('POST', [])).toThrow(new GraphError('parts must contain at least one part'));
    expect(mp('POST', [{ name: 'a' }])).toThrow(
      new GraphError('invalid HTTP_MULTIPART query: parts[0] must have exactly one of data and data_b64'),
    );
    expect(mp('POST', [{ name: 'a', data: 'x', size: '1' }])).toThrow(
      new GraphError("invalid HTTP_MULTIPART query: parts[0]: unknown key 'size' (expected name, filename, content_type, data, data_b64)"),
    );
  });
});

describe('limits apply to what the builders compose', () => {
  it('the depth is not theirs to bound: a sequence nested 300 levels builds (df.start refuses it)', () => {
    let chain = sql('SELECT 0');
    for (let i = 0; i < 300; i += 1) chain = seq(chain, 'SELECT 1');
    expect(JSON.parse(chain).node_type).toBe('THEN');
  });

  it('a graph of exactly 10,000 nodes builds and one more node is rejected', () => {
    const wide = (n: number): string => {
      const branches = Array.from({ length: n }, (_, i) => `{"node_type":"SQL","query":"SELECT ${i}"}`);
      return `{"node_type":"JOIN","left_node":${branches[0]},"right_node":${branches[1]},"extra_nodes":[${branches.slice(2).join(',')}]}`;
    };
    const atLimit = join(wide(4998), wide(4999)); // 1 + 4,999 + 5,000 nodes
    expect(atLimit.startsWith('{"node_type":"JOIN"')).toBe(true);
    expect(() => loop(atLimit)).toThrow(
      new GraphError('Workflow exceeds maximum node count of 10000. Simplify the workflow or break it into multiple instances.'),
    );
  });
});

describe('workflowFromText, as df.start reads its argument', () => {
  it('wraps plain SQL and parses envelopes', () => {
    expect(workflowFromText('SELECT 1')).toEqual({ node_type: 'SQL', query: 'SELECT 1' });
    expect(workflowFromText(seq('A', 'B')).node_type).toBe('THEN');
  });

  it('rejects an unfinished ?> expression', () => {
    expect(() => workflowFromText(partialIf('C', 'A'), 'start')).toThrow(
      new GraphError('Invalid durable function graph: root: incomplete ?> expression: add !> else-branch'),
    );
  });

  it('words what is wrong with the argument itself as df.start\'s, and helper values too', () => {
    expect(() => workflowFromText('{"node_type":"FOO"}', 'start')).toThrow(
      new GraphError(`Invalid durable function: Unknown node_type 'FOO'. Valid types: ${VALID_TYPES}`),
    );
    expect(() => workflowFromText('  ', 'start')).toThrow(new GraphError('Invalid durable function: a SQL step must not be empty'));
    expect(() => workflowFromText('OK', 'start')).toThrow(/^Invalid durable function: df\.setvar\(\), .* cannot be called inside a workflow /);
  });
});
