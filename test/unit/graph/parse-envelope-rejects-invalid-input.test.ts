import { describe, expect, it } from 'vitest';
import { GraphError } from '../../../src/graph/envelope.js';
import { parseEnvelope } from '../../../src/graph/validate.js';

const SQL = '{"node_type":"SQL","query":"SELECT 1"}';

function errorOf(text: string): string {
  try {
    parseEnvelope(text);
  } catch (e) {
    expect(e).toBeInstanceOf(GraphError);
    return (e as Error).message;
  }
  throw new Error('expected parseEnvelope to fail');
}

describe('the JSON itself', () => {
  it('malformed JSON is reported as an invalid envelope', () => {
    expect(errorOf('{"node_type":"SQL",')).toMatch(/^invalid workflow envelope: /);
  });

  it('a JSON value that is not an object is rejected', () => {
    expect(errorOf('[1,2]')).toBe('a workflow node must be a JSON object with node_type, got an array');
    expect(errorOf('"SELECT 1"')).toBe('a workflow node must be a JSON object with node_type, got the string "SELECT 1"');
  });

  it('100,000 nested arrays give a depth error instead of a stack overflow', () => {
    const hostile = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(errorOf(hostile)).toBe(
      'workflow nesting depth exceeds the limit of 256 (the JSON is nested 100000 levels deep)',
    );
  });

  it('brackets inside strings do not count as nesting', () => {
    const text = `{"node_type":"SQL","query":${JSON.stringify(`SELECT '${'['.repeat(5000)}'`)}}`;
    expect(parseEnvelope(text).query).toBe(`SELECT '${'['.repeat(5000)}'`);
  });
});

describe('node types and children', () => {
  it('an unknown node_type is named', () => {
    expect(errorOf('{"node_type":"X"}')).toBe("Unknown node_type 'X'");
  });

  it('a missing or non-string node_type is rejected', () => {
    expect(errorOf('{"query":"SELECT 1"}')).toBe('node_type must be a string, got nothing');
    expect(errorOf('{"node_type":7}')).toBe('node_type must be a string, got number 7');
  });

  it('errors inside the tree say where the bad node is', () => {
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${SQL},{"node_type":"X"}]}`))
      .toBe("Unknown node_type 'X' (at extra_nodes[1])");
    expect(errorOf(`{"node_type":"THEN","left_node":${SQL},"right_node":{"node_type":"THEN","left_node":${SQL}}}`))
      .toBe('THEN node requires right_node (at right_node)');
  });

  it('unknown keys are rejected', () => {
    expect(errorOf('{"node_type":"SQL","query":"SELECT 1","foo":1}')).toBe("unknown key 'foo' in workflow node");
  });

  it('leaves must not have children', () => {
    expect(errorOf(`{"node_type":"SQL","query":"x","left_node":${SQL}}`)).toBe('SQL node must not have left_node');
    expect(errorOf(`{"node_type":"SLEEP","query":"1","extra_nodes":[${SQL}]}`)).toBe('SLEEP node must not have extra_nodes');
  });

  it('composite nodes need their children and refuse others', () => {
    expect(errorOf(`{"node_type":"RACE","left_node":${SQL}}`)).toBe('RACE node requires right_node');
    expect(errorOf(`{"node_type":"THEN","left_node":${SQL},"right_node":${SQL},"condition_node":${SQL}}`))
      .toBe('THEN node must not have condition_node');
    expect(errorOf(`{"node_type":"RACE","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${SQL}]}`))
      .toBe('RACE node must not have extra_nodes');
    expect(errorOf(`{"node_type":"LOOP","left_node":${SQL},"right_node":${SQL}}`)).toBe('LOOP node must not have right_node');
    expect(errorOf('{"node_type":"LOOP"}')).toBe('LOOP node requires left_node');
  });

  it('extra_nodes must be an array of nodes', () => {
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":{"a":1}}`))
      .toBe('extra_nodes must be an array, got an object');
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[5]}`))
      .toBe('extra_nodes entries must be Durofut JSON objects');
  });

  it('an IF query that is not JSON config, or that names condition_node, gets the reference\'s words', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"query":"not json"}`))
      .toBe('query in IF must be valid JSON config');
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"query":"{\\"condition_node\\":{}}"}`))
      .toBe('condition_node in IF must be a first-class Durofut field');
  });

  it('composite nodes must not carry a query', () => {
    expect(errorOf(`{"node_type":"THEN","left_node":${SQL},"right_node":${SQL},"query":"x"}`))
      .toBe('THEN node must not have a query');
  });
});

describe('IF forms', () => {
  it('an IF without else-branch is an unfinished ?> expression', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"condition_node":${SQL}}`))
      .toBe('incomplete ?> expression: add !> else-branch');
  });

  it('an unfinished ?> deep inside the tree is rejected too, even when the root may be partial', () => {
    const partial = `{"node_type":"IF","left_node":${SQL},"condition_node":${SQL}}`;
    expect(() => parseEnvelope(`{"node_type":"THEN","left_node":${partial},"right_node":${SQL}}`, { allowPartialIfRoot: true }))
      .toThrow('incomplete ?> expression: add !> else-branch (at left_node)');
  });

  it('an IF needs a condition node or an if_rows query, not both', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL}}`))
      .toBe('IF node requires condition_node (or an if_rows query)');
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"condition_node":${SQL},"query":"{\\"if_rows\\":\\"a\\"}"}`))
      .toBe('IF node has both condition_node and a query');
  });

  it('an if_rows query must name a valid result', () => {
    expect(errorOf(`{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"query":"{\\"if_rows\\":\\"9x\\"}"}`))
      .toBe('invalid IF query: if_rows "9x" is not a valid identifier');
  });
});

describe('queries per node type', () => {
  it('SQL needs a non-empty string', () => {
    expect(errorOf('{"node_type":"SQL"}')).toBe('SQL node requires a query');
    expect(errorOf('{"node_type":"SQL","query":" "}')).toBe('SQL node has an empty query');
    expect(errorOf('{"node_type":"SQL","query":42}')).toBe('query of SQL node must be a string, got number 42');
  });

  it('SLEEP needs non-negative whole seconds as text', () => {
    expect(errorOf('{"node_type":"SLEEP","query":"-1"}'))
      .toBe('SLEEP query must be a whole number of seconds from 0 to 3155760000 (100 years), got "-1"');
    expect(errorOf('{"node_type":"SLEEP","query":"1.5"}')).toMatch(/^SLEEP query must be/);
    expect(errorOf('{"node_type":"SLEEP","query":5}')).toBe('query of SLEEP node must be a string, got number 5');
  });

  it('WAIT_SCHEDULE needs a valid cron_expr', () => {
    expect(errorOf('{"node_type":"WAIT_SCHEDULE","query":"{\\"cron_expr\\":5}"}'))
      .toBe('invalid WAIT_SCHEDULE query: cron_expr must be a string, got number 5');
    expect(errorOf('{"node_type":"WAIT_SCHEDULE","query":"{\\"cron_expr\\":\\"* * *\\"}"}')).toMatch(/^invalid cron expression '\* \* \*'/);
    expect(errorOf('{"node_type":"WAIT_SCHEDULE","query":"*/5 * * * *"}')).toMatch(/^invalid WAIT_SCHEDULE query: /);
  });

  it('SIGNAL needs a name and a positive timeout or null', () => {
    expect(errorOf('{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"\\",\\"timeout_seconds\\":null}"}'))
      .toBe('invalid SIGNAL query: signal_name must be a non-empty string of at most 255 characters, got the string ""');
    expect(errorOf('{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"go\\",\\"timeout_seconds\\":\\"5\\"}"}'))
      .toBe('invalid SIGNAL query: timeout_seconds must be a whole number from 1 to 3155760000 (100 years), or null, got the string "5"');
    expect(errorOf('{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"go\\",\\"wait\\":1}"}'))
      .toBe("invalid SIGNAL query: unknown key 'wait' (expected signal_name, timeout_seconds)");
  });

  it('BREAK needs a string or null value', () => {
    expect(errorOf('{"node_type":"BREAK","query":"{\\"break_value\\":[1]}"}'))
      .toBe('invalid BREAK query: break_value must be a string or null, got an array');
    expect(errorOf('{"node_type":"BREAK","query":"[]"}')).toBe('invalid BREAK query: expected a JSON object, got an array');
  });

  it('HTTP needs url, method and timeout of the right types', () => {
    const http = (q: object): string => `{"node_type":"HTTP","query":${JSON.stringify(JSON.stringify(q))}}`;
    const good = { url: 'https://x.test', method: 'POST', body: null, headers: { a: 'b' }, timeout_seconds: 30 };
    expect(parseEnvelope(http(good)).node_type).toBe('HTTP');
    expect(errorOf(http({ ...good, url: '' }))).toBe('invalid HTTP query: url must be a non-empty string, got the string ""');
    expect(errorOf(http({ ...good, method: 'post' }))).toBe('invalid HTTP query: method must be an upper-case HTTP method, got the string "post"');
    expect(errorOf(http({ ...good, headers: { a: 1 } }))).toBe('invalid HTTP query: headers must be an object of string values or null, got an object');
    expect(errorOf(http({ ...good, timeout_seconds: 0 }))).toBe('invalid HTTP query: timeout_seconds must be a whole number from 1 to 300, got number 0');
  });

  it('query JSON nested deeper than a configuration can be is refused before parsing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(errorOf(`{"node_type":"SIGNAL","query":${JSON.stringify(`{"signal_name":${deep}}`)}}`))
      .toBe('invalid SIGNAL query: nested deeper than 2 levels');
  });
});

describe('names and retry policies', () => {
  it('result_name must be an identifier', () => {
    expect(errorOf('{"node_type":"SQL","query":"x","result_name":"a b"}'))
      .toBe('result_name "a b" is not a valid identifier');
    expect(errorOf('{"node_type":"SQL","query":"x","result_name":1}'))
      .toBe('result_name must be a string, got number 1');
  });

  it('retry policies must be sane', () => {
    const withRetry = (r: object): string => `{"node_type":"SQL","query":"x","retry":${JSON.stringify(r)}}`;
    const good = { max_attempts: 3, delay_seconds: 1, backoff: 2, max_delay_seconds: 300 };
    expect(parseEnvelope(withRetry(good)).retry).toEqual(good);
    expect(errorOf(withRetry({ ...good, max_attempts: 1.5 }))).toBe('retry max_attempts must be a whole number from 1 to 1000, got number 1.5');
    expect(errorOf(withRetry({ ...good, backoff: '2' }))).toBe('retry backoff must be a number from 1 to 10, got the string "2"');
    expect(errorOf(withRetry({ ...good, jitter: true }))).toBe("unknown key 'jitter' in retry");
    expect(errorOf('{"node_type":"SQL","query":"x","retry":3}')).toBe('retry must be an object, got number 3');
  });
});

describe('limits', () => {
  it('a THEN chain 257 deep is rejected with the limit and the actual depth', () => {
    let text = SQL;
    for (let i = 1; i < 257; i += 1) text = `{"node_type":"THEN","left_node":${text},"right_node":${SQL}}`;
    expect(errorOf(text)).toBe('workflow nesting depth 257 exceeds the limit of 256');
  });

  it('a chain exactly 256 deep is accepted', () => {
    let text = SQL;
    for (let i = 1; i < 256; i += 1) text = `{"node_type":"THEN","left_node":${text},"right_node":${SQL}}`;
    expect(parseEnvelope(text).node_type).toBe('THEN');
  });

  it('10,001 nodes are rejected with the limit and the actual count', () => {
    const extras = Array.from({ length: 9_998 }, () => SQL).join(',');
    expect(errorOf(`{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${extras}]}`))
      .toBe('workflow has 10001 nodes, more than the limit of 10000');
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
