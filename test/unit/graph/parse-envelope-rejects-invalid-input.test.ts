import { describe, expect, it } from 'vitest';
import { GraphError, NODE_TYPES } from '../../../src/graph/envelope.js';
import { parseEnvelope } from '../../../src/graph/validate.js';
import { graphErrorOf } from './graph-error.js';

// As df.start reads an envelope: what is wrong with the envelope itself, then with a node of the
// graph, named by its path as the reference names it.
const SQL = '{"node_type":"SQL","query":"SELECT 1"}';
const VALID_TYPES = NODE_TYPES.join(', ');
const envelope = (message: string): string => `Invalid durable function: ${message}`;
const graph = (where: string, message: string): string => `Invalid durable function graph: ${where}: ${message}`;
const DEPTH = 'Graph exceeds maximum nesting depth of 256. Simplify the workflow or break it into multiple instances.';

/** The message of the GraphError parseEnvelope throws for this text. */
const errorOf = (text: string): string => graphErrorOf(() => parseEnvelope(text));

describe('the JSON itself', () => {
  it('malformed JSON is reported as an invalid envelope', () => {
    expect(errorOf('{"node_type":"SQL",')).toMatch(/^Invalid durable function: Malformed Durofut JSON: \S/);
  });

  it('a JSON value that is not an object is rejected', () => {
    expect(errorOf('[1,2]')).toBe(envelope('Malformed Durofut JSON: a workflow node must be a JSON object with node_type, got an array'));
    expect(errorOf('"SELECT 1"')).toBe(
      envelope('Malformed Durofut JSON: a workflow node must be a JSON object with node_type, got the string "SELECT 1"'),
    );
  });

  it('100,000 nested arrays give a clear error instead of a stack overflow', () => {
    const hostile = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(errorOf(hostile)).toBe(
      envelope('Malformed Durofut JSON: the JSON is nested 100000 levels deep, deeper than any workflow within the limits (514)'),
    );
  });

  it('brackets inside strings do not count as nesting', () => {
    const text = `{"node_type":"SQL","query":${JSON.stringify(`SELECT '${'['.repeat(5000)}'`)}}`;
    expect(parseEnvelope(text).query).toBe(`SELECT '${'['.repeat(5000)}'`);
  });
});

describe('node types and children', () => {
  it('an unknown node_type is named', () => {
    expect(errorOf('{"node_type":"X"}')).toBe(envelope(`Unknown node_type 'X'. Valid types: ${VALID_TYPES}`));
  });

  it('a missing or non-string node_type is rejected', () => {
    expect(errorOf('{"query":"SELECT 1"}')).toBe(envelope('Malformed Durofut JSON: node_type must be a string, got nothing'));
    expect(errorOf('{"node_type":7}')).toBe(envelope('Malformed Durofut JSON: node_type must be a string, got number 7'));
  });

  it('errors inside the tree say where the bad node is', () => {
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${SQL},{"node_type":"X"}]}`))
      .toBe(graph('root.extra_nodes[1]', `Unknown node_type 'X'. Valid types: ${VALID_TYPES}`));
    expect(errorOf(`{"node_type":"THEN","left_node":${SQL},"right_node":{"node_type":"THEN","left_node":${SQL}}}`))
      .toBe(graph('root.right', 'THEN node requires right_node'));
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"condition_node":{"node_type":"LOOP","left_node":{"node_type":"SQL"}}}`))
      .toBe(graph('root.condition_node.left', 'SQL node requires a query'));
  });

  it('unknown keys are rejected', () => {
    expect(errorOf('{"node_type":"SQL","query":"SELECT 1","foo":1}')).toBe(graph('root', "unknown key 'foo' in workflow node"));
  });

  it('leaves must not have children', () => {
    expect(errorOf(`{"node_type":"SQL","query":"x","left_node":${SQL}}`)).toBe(graph('root', 'SQL node must not have left_node'));
    expect(errorOf(`{"node_type":"SLEEP","query":"1","extra_nodes":[${SQL}]}`)).toBe(graph('root', 'extra_nodes is not valid for SLEEP nodes'));
  });

  it('composite nodes need their children and refuse others', () => {
    expect(errorOf(`{"node_type":"RACE","left_node":${SQL}}`)).toBe(graph('root', 'RACE node requires right_node'));
    expect(errorOf(`{"node_type":"THEN","left_node":${SQL},"right_node":${SQL},"condition_node":${SQL}}`))
      .toBe(graph('root', 'condition_node is not valid for THEN nodes'));
    expect(errorOf(`{"node_type":"RACE","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${SQL}]}`))
      .toBe(graph('root', 'extra_nodes is not valid for RACE nodes'));
    expect(errorOf(`{"node_type":"LOOP","left_node":${SQL},"right_node":${SQL}}`)).toBe(graph('root', 'LOOP node must not have right_node'));
    expect(errorOf('{"node_type":"LOOP"}')).toBe(graph('root', 'LOOP node requires left_node'));
  });

  it('children must be nodes: the parent is malformed, as the reference says it', () => {
    const malformed = (type: string, message: string): string => envelope(`Malformed Durofut JSON with node_type '${type}': ${message}`);
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":{"a":1}}`))
      .toBe(malformed('JOIN', 'extra_nodes must be an array, got an object'));
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[5]}`))
      .toBe(malformed('JOIN', 'extra_nodes entries must be Durofut JSON objects'));
    expect(errorOf(`{"node_type":"THEN","left_node":5,"right_node":${SQL}}`)).toBe(malformed('THEN', 'Durofut children must be JSON objects'));
    expect(errorOf(`{"node_type":"LOOP","left_node":${SQL},"condition_node":"x"}`))
      .toBe(malformed('LOOP', 'condition_node must be a Durofut JSON object'));
    expect(errorOf(`{"node_type":"THEN","left_node":${SQL},"right_node":{"node_type":"RACE","left_node":[],"right_node":${SQL}}}`))
      .toBe(graph('root.right', 'failed to deserialize Durofut child: Durofut children must be JSON objects'));
  });

  it('an IF query that is not JSON config, or that names condition_node, gets the reference\'s words', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"query":"not json"}`))
      .toMatch(/^Invalid durable function graph: root: query in IF must be valid JSON config: \S/);
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"query":"{\\"condition_node\\":{}}"}`))
      .toBe(graph('root', 'condition_node in IF must be a first-class Durofut field, not embedded in query'));
  });

  it('composite nodes must not carry a query', () => {
    expect(errorOf(`{"node_type":"THEN","left_node":${SQL},"right_node":${SQL},"query":"x"}`))
      .toBe(graph('root', 'THEN node must not have a query'));
  });
});

describe('IF forms', () => {
  it('an IF without else-branch is an unfinished ?> expression', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"condition_node":${SQL}}`))
      .toBe(graph('root', 'incomplete ?> expression: add !> else-branch'));
  });

  it('an unfinished ?> deep inside the tree is rejected too, even when the root may be partial', () => {
    const partial = `{"node_type":"IF","left_node":${SQL},"condition_node":${SQL}}`;
    expect(() => parseEnvelope(`{"node_type":"THEN","left_node":${partial},"right_node":${SQL}}`, { allowPartialIfRoot: true }))
      .toThrow(new GraphError(graph('root.left', 'incomplete ?> expression: add !> else-branch')));
  });

  it('an IF needs a condition node or an if_rows query, not both', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL}}`))
      .toBe(graph('root', 'IF node requires condition_node (or an if_rows query)'));
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"condition_node":${SQL},"query":"{\\"if_rows\\":\\"a\\"}"}`))
      .toBe(graph('root', 'IF node has both condition_node and a query'));
  });

  it('an if_rows query must name a valid result', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"query":"{\\"if_rows\\":\\"9x\\"}"}`))
      .toBe(graph('root', "invalid IF query: if_rows: result name '9x' is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*"));
  });
});

describe('queries per node type', () => {
  it('SQL needs a non-empty string', () => {
    expect(errorOf('{"node_type":"SQL"}')).toBe(graph('root', 'SQL node requires a query'));
    expect(errorOf('{"node_type":"SQL","query":" "}')).toBe(graph('root', 'SQL node has an empty query'));
    expect(errorOf('{"node_type":"SQL","query":42}')).toBe(envelope("Malformed Durofut JSON with node_type 'SQL': query of SQL node must be a string, got number 42"));
  });

  it('SLEEP needs non-negative whole seconds as text', () => {
    expect(errorOf('{"node_type":"SLEEP","query":"-1"}'))
      .toBe(graph('root', 'SLEEP query must be a whole number of seconds from 0 to 3155760000 (100 years), got "-1"'));
    expect(errorOf('{"node_type":"SLEEP","query":"1.5"}')).toMatch(/^Invalid durable function graph: root: SLEEP query must be/);
    expect(errorOf('{"node_type":"SLEEP","query":5}')).toBe(envelope("Malformed Durofut JSON with node_type 'SLEEP': query of SLEEP node must be a string, got number 5"));
  });

  it('WAIT_SCHEDULE needs a valid cron_expr', () => {
    expect(errorOf('{"node_type":"WAIT_SCHEDULE","query":"{\\"cron_expr\\":5}"}'))
      .toBe(graph('root', 'invalid WAIT_SCHEDULE query: cron_expr must be a string, got number 5'));
    expect(errorOf('{"node_type":"WAIT_SCHEDULE","query":"{\\"cron_expr\\":\\"* * *\\"}"}')).toMatch(/^Invalid durable function graph: root: Invalid cron expression '\* \* \*'/);
    expect(errorOf('{"node_type":"WAIT_SCHEDULE","query":"*/5 * * * *"}')).toMatch(/^Invalid durable function graph: root: invalid WAIT_SCHEDULE query: /);
  });

  it('SIGNAL needs a name and a positive timeout or null', () => {
    expect(errorOf('{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"\\",\\"timeout_seconds\\":null}"}'))
      .toBe(graph('root', 'invalid SIGNAL query: signal_name must be a non-empty string of at most 255 characters, got the string ""'));
    expect(errorOf('{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"go\\",\\"timeout_seconds\\":\\"5\\"}"}'))
      .toBe(graph('root', 'invalid SIGNAL query: timeout_seconds must be a whole number from 1 to 3155760000 (100 years), or null, got the string "5"'));
    expect(errorOf('{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"go\\",\\"wait\\":1}"}'))
      .toBe(graph('root', "invalid SIGNAL query: unknown key 'wait' (expected signal_name, timeout_seconds)"));
  });

  it('BREAK needs a string or null value', () => {
    expect(errorOf('{"node_type":"BREAK","query":"{\\"break_value\\":[1]}"}'))
      .toBe(graph('root', 'invalid BREAK query: break_value must be a string or null, got an array'));
    expect(errorOf('{"node_type":"BREAK","query":"[]"}')).toBe(graph('root', 'invalid BREAK query: expected a JSON object, got an array'));
  });

  it('HTTP needs url, method and timeout of the right types', () => {
    const http = (q: object): string => `{"node_type":"HTTP","query":${JSON.stringify(JSON.stringify(q))}}`;
    const good = { url: 'https://x.test', method: 'POST', body: null, headers: { a: 'b' }, timeout_seconds: 30 };
    expect(parseEnvelope(http(good)).node_type).toBe('HTTP');
    expect(errorOf(http({ ...good, url: '' }))).toBe(graph('root', 'invalid HTTP query: url must be a non-empty string, got the string ""'));
    expect(errorOf(http({ ...good, method: 'post' }))).toBe(graph('root', 'invalid HTTP query: method must be one of GET, POST, PUT, DELETE, PATCH, got the string "post"'));
    expect(errorOf(http({ ...good, headers: { a: 1 } }))).toBe(graph('root', 'invalid HTTP query: headers must be an object of string values or null, got an object'));
    expect(errorOf(http({ ...good, timeout_seconds: 0 }))).toBe(graph('root', 'invalid HTTP query: timeout_seconds must be a whole number from 1 to 300, got number 0'));
  });

  it('query JSON nested deeper than a configuration can be is refused before parsing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(errorOf(`{"node_type":"SIGNAL","query":${JSON.stringify(`{"signal_name":${deep}}`)}}`))
      .toBe(graph('root', 'invalid SIGNAL query: nested deeper than 3 levels'));
  });
});

describe('names and retry policies', () => {
  it('result_name must be an identifier', () => {
    expect(errorOf('{"node_type":"SQL","query":"x","result_name":"a b"}'))
      .toBe(graph('root', "result name 'a b' is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*"));
    expect(errorOf('{"node_type":"SQL","query":"x","result_name":1}'))
      .toBe(envelope("Malformed Durofut JSON with node_type 'SQL': result_name must be a string, got number 1"));
  });

  it('retry policies must be sane', () => {
    const withRetry = (r: object): string => `{"node_type":"SQL","query":"x","retry":${JSON.stringify(r)}}`;
    const good = { max_attempts: 3, delay_seconds: 1, backoff: 2, max_delay_seconds: 300 };
    expect(parseEnvelope(withRetry(good)).retry).toEqual(good);
    expect(errorOf(withRetry({ ...good, max_attempts: 1.5 }))).toBe(graph('root', 'retry max_attempts must be a whole number from 1 to 1000, got number 1.5'));
    expect(errorOf(withRetry({ ...good, backoff: '2' }))).toBe(graph('root', 'retry backoff must be a number from 1 to 10, got the string "2"'));
    expect(errorOf(withRetry({ ...good, jitter: true }))).toBe(graph('root', "unknown key 'jitter' in retry"));
    expect(errorOf('{"node_type":"SQL","query":"x","retry":3}')).toBe(graph('root', 'retry must be an object, got number 3'));
  });
});

describe('limits', () => {
  const chain = (wraps: number): string => {
    let text = SQL;
    for (let i = 0; i < wraps; i += 1) text = `{"node_type":"THEN","left_node":${text},"right_node":${SQL}}`;
    return text;
  };

  it('a step wrapped in 256 THENs is accepted: the root is at depth 0, the step at 256', () => {
    expect(parseEnvelope(chain(256)).node_type).toBe('THEN');
  });

  it('wrapped 257 times, the first node past the limit is named', () => {
    expect(errorOf(chain(257))).toBe(graph(`root${'.left'.repeat(257)}`, DEPTH));
  });

  it('10,001 nodes are rejected, naming the 10,001st', () => {
    const extras = Array.from({ length: 9_998 }, () => SQL).join(',');
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${extras}]}`))
      .toBe(graph('root.extra_nodes[9997]', 'Workflow exceeds maximum node count of 10000. Simplify the workflow or break it into multiple instances.'));
  });
});

describe('normalisation', () => {
  it('null stands for an absent key, so the canonical form omits it', () => {
    const env = parseEnvelope('{"node_type":"SQL","query":"x","result_name":null,"left_node":null,"retry":null}');
    expect(env).toEqual({ node_type: 'SQL', query: 'x' });
  });

  it('an empty extra_nodes array counts as absent', () => {
    const env = parseEnvelope(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[]}`);
    expect(env.extra_nodes).toBeUndefined();
  });
});
