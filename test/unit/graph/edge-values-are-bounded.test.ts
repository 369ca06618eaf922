// Every number and string a builder or an envelope takes from the caller is bounded: the limit
// itself is accepted, one past it gets a clear error, and NaN, Infinity and negative zero are
// handled. The same bounds apply to builders (df.sleep …) and to envelopes given to df.start.
import { describe, expect, it } from 'vitest';
import { as, ifRows, loop, retry, sleep, waitForSchedule, waitForSignal, workflowFromText } from '../../../src/graph/builders.js';
import { NODE_TYPES } from '../../../src/graph/envelope.js';
import { parseEnvelope } from '../../../src/graph/validate.js';
import { graphErrorOf } from './graph-error.js';

const HUNDRED_YEARS = 3_155_760_000;
/** How df.start words what is wrong with the root node of an envelope. */
const atRoot = (message: string): string => `Invalid durable function graph: root: ${message}`;
const ONE_YEAR = 31_536_000;

const node = (fields: object): string => JSON.stringify(fields);
const sleepNode = (query: string): string => node({ node_type: 'SLEEP', query });
const signalNode = (query: object): string => node({ node_type: 'SIGNAL', query: JSON.stringify(query) });
const withRetry = (policy: object): string => node({ node_type: 'SQL', query: 'SELECT 1', retry: policy });
const policy = (fields: object) => ({ max_attempts: 3, delay_seconds: 1, backoff: 2, max_delay_seconds: 300, ...fields });

describe('a missing workflow', () => {
  it('df.start(NULL) reaches workflowFromText as null and is refused', () => {
    expect(graphErrorOf(() => workflowFromText(null))).toBe('df.start() needs a workflow: got NULL');
    expect(graphErrorOf(() => workflowFromText(undefined))).toBe('df.start() needs a workflow: got NULL');
  });

  it('df.loop(NULL), which is not STRICT, is refused', () => {
    expect(graphErrorOf(() => loop(null))).toBe('df.loop() needs a body: got NULL');
  });
});

describe('df.sleep and SLEEP: 0 to 100 years', () => {
  it('accepts 0 and 100 years, as a number or as the text SQL passes', () => {
    expect(sleep(0)).toBe('{"node_type":"SLEEP","query":"0"}');
    expect(sleep(HUNDRED_YEARS)).toBe('{"node_type":"SLEEP","query":"3155760000"}');
    expect(sleep('3155760000')).toBe('{"node_type":"SLEEP","query":"3155760000"}');
    expect(parseEnvelope(sleepNode('3155760000')).query).toBe('3155760000');
  });

  it('rejects one second more, and the largest bigint, with the bound', () => {
    expect(graphErrorOf(() => sleep(HUNDRED_YEARS + 1))).toBe(
      'df.sleep seconds must be at most 3155760000 (100 years), got 3155760001: sleep in a df.loop to wait longer',
    );
    expect(graphErrorOf(() => sleep('9223372036854775807'))).toBe(
      'df.sleep seconds must be at most 3155760000 (100 years), got 9223372036854775807: sleep in a df.loop to wait longer',
    );
    expect(graphErrorOf(() => sleep(Number.MAX_SAFE_INTEGER))).toContain('got 9007199254740991');
    expect(graphErrorOf(() => parseEnvelope(sleepNode('3155760001')))).toBe(
      atRoot('SLEEP query must be a whole number of seconds from 0 to 3155760000 (100 years), got "3155760001"'),
    );
  });

  it('rejects NaN and the infinities as not whole, and treats negative zero as 0', () => {
    expect(graphErrorOf(() => sleep(Number.NaN))).toBe('df.sleep seconds must be a whole number, got NaN');
    expect(graphErrorOf(() => sleep(Number.POSITIVE_INFINITY))).toBe('df.sleep seconds must be a whole number, got Infinity');
    expect(graphErrorOf(() => sleep(Number.NEGATIVE_INFINITY))).toBe('df.sleep seconds must be a whole number, got -Infinity');
    expect(graphErrorOf(() => sleep(1e300))).toContain('must be at most 3155760000 (100 years), got 1e+300');
    expect(sleep(-0)).toBe('{"node_type":"SLEEP","query":"0"}');
    expect(sleep('-0')).toBe('{"node_type":"SLEEP","query":"0"}');
    expect(graphErrorOf(() => parseEnvelope(sleepNode('-0')))).toMatch(/^Invalid durable function graph: root: SLEEP query must be a whole number/);
  });

  it('cuts a huge number short in the message', () => {
    const digits = '9'.repeat(1_000_000);
    expect(graphErrorOf(() => sleep(digits))).toBe(
      `df.sleep seconds must be at most 3155760000 (100 years), got ${'9'.repeat(60)}… (1000000 characters): sleep in a df.loop to wait longer`,
    );
    expect(graphErrorOf(() => parseEnvelope(sleepNode(digits)))).toBe(
      atRoot(`SLEEP query must be a whole number of seconds from 0 to 3155760000 (100 years), got "${'9'.repeat(60)}"… (1000000 characters)`),
    );
  });
});

describe('df.wait_for_signal and SIGNAL', () => {
  it('accepts a timeout of 1 s to 100 years, or none', () => {
    expect(JSON.parse(JSON.parse(waitForSignal('go', HUNDRED_YEARS)).query).timeout_seconds).toBe(HUNDRED_YEARS);
    expect(JSON.parse(JSON.parse(waitForSignal('go', 1)).query).timeout_seconds).toBe(1);
    expect(parseEnvelope(signalNode({ signal_name: 'go', timeout_seconds: HUNDRED_YEARS })).node_type).toBe('SIGNAL');
  });

  it.each([HUNDRED_YEARS + 1, Number.NaN, Number.POSITIVE_INFINITY, 1.5])('rejects the timeout %s', (timeout) => {
    expect(graphErrorOf(() => waitForSignal('go', timeout))).toBe(
      `df.wait_for_signal: timeout_seconds must be a whole number from 1 to 3155760000 (100 years), or NULL to wait forever, got ${timeout}`,
    );
  });

  it.each([0, -0, -1])('rejects the timeout %s in the reference\'s words', (timeout) => {
    expect(graphErrorOf(() => waitForSignal('go', timeout))).toBe(`Timeout must be positive, got ${timeout}`);
  });

  it('rejects a timeout past 100 years in an envelope, including one JSON reads as Infinity', () => {
    expect(graphErrorOf(() => parseEnvelope(signalNode({ signal_name: 'go', timeout_seconds: HUNDRED_YEARS + 1 })))).toBe(
      atRoot('invalid SIGNAL query: timeout_seconds must be a whole number from 1 to 3155760000 (100 years), or null, got number 3155760001'),
    );
    const infinite = node({ node_type: 'SIGNAL', query: '{"signal_name":"go","timeout_seconds":1e400}' });
    expect(graphErrorOf(() => parseEnvelope(infinite))).toContain('timeout_seconds must be a whole number from 1 to 3155760000');
  });

  it('accepts a signal name of 255 characters and rejects 256', () => {
    expect(waitForSignal('s'.repeat(255))).toContain('s'.repeat(255));
    expect(parseEnvelope(signalNode({ signal_name: 's'.repeat(255), timeout_seconds: null })).node_type).toBe('SIGNAL');
    expect(graphErrorOf(() => waitForSignal('s'.repeat(256)))).toBe(
      `df.wait_for_signal: signal name must be at most 255 characters, got "${'s'.repeat(60)}"… (256 characters)`,
    );
    expect(graphErrorOf(() => parseEnvelope(signalNode({ signal_name: 's'.repeat(256), timeout_seconds: null })))).toBe(
      atRoot(`invalid SIGNAL query: signal_name must be a non-empty string of at most 255 characters, got the string "${'s'.repeat(60)}"… (256 characters)`),
    );
  });
});

describe('HTTP timeout: 1 to 300 s (outside-steps.md)', () => {
  const http = (timeout: number): string => node({
    node_type: 'HTTP',
    query: JSON.stringify({ url: 'https://x.test', method: 'GET', body: null, headers: null, timeout_seconds: timeout }),
  });

  it('accepts 300 and rejects 301', () => {
    expect(parseEnvelope(http(300)).node_type).toBe('HTTP');
    expect(graphErrorOf(() => parseEnvelope(http(301)))).toBe(
      atRoot('invalid HTTP query: timeout_seconds must be a whole number from 1 to 300, got number 301'),
    );
  });
});

describe('df.retry and retry policies', () => {
  it('accepts each bound at its limit', () => {
    expect(JSON.parse(retry('A', 1000, 0.1, 10, ONE_YEAR)).retry).toEqual({
      max_attempts: 1000, delay_seconds: 0.1, backoff: 10, max_delay_seconds: ONE_YEAR,
    });
    expect(JSON.parse(retry('A', 1, ONE_YEAR, 1, ONE_YEAR)).retry.delay_seconds).toBe(ONE_YEAR);
    expect(JSON.parse(retry('A', 10, 0, 10, 0)).retry).toEqual({ max_attempts: 10, delay_seconds: 0, backoff: 10, max_delay_seconds: 0 });
    expect(parseEnvelope(withRetry(policy({ max_attempts: 1000, delay_seconds: 0.1, backoff: 10, max_delay_seconds: ONE_YEAR }))).retry)
      .toEqual({ max_attempts: 1000, delay_seconds: 0.1, backoff: 10, max_delay_seconds: ONE_YEAR });
  });

  it.each([
    [[1001], 'retry max_attempts must be a whole number from 1 to 1000, got number 1001'],
    [[2 ** 31 - 1], 'retry max_attempts must be a whole number from 1 to 1000, got number 2147483647'],
    [[1e300], 'retry max_attempts must be a whole number from 1 to 1000, got number 1e+300'],
    [[-0], 'retry max_attempts must be a whole number from 1 to 1000, got number 0'],
    [[3, ONE_YEAR + 1, 2, ONE_YEAR], 'retry delay_seconds must be a number from 0 to 31536000 (1 year), got number 31536001'],
    [[3, Number.POSITIVE_INFINITY], 'retry delay_seconds must be a number from 0 to 31536000 (1 year), got number Infinity'],
    [[3, Number.NaN], 'retry delay_seconds must be a number from 0 to 31536000 (1 year), got number NaN'],
    [[3, 1, 10.001], 'retry backoff must be a number from 1 to 10, got number 10.001'],
    [[3, 1, 0.999], 'retry backoff must be a number from 1 to 10, got number 0.999'],
    [[3, 1, 1e300], 'retry backoff must be a number from 1 to 10, got number 1e+300'],
    [[3, 1, 2, ONE_YEAR + 1], 'retry max_delay_seconds must be a number from delay_seconds (1) to 31536000 (1 year), got number 31536001'],
    [[3, 600, 2, 599.9], 'retry max_delay_seconds must be a number from delay_seconds (600) to 31536000 (1 year), got number 599.9'],
    [[3, 1, 2, Number.POSITIVE_INFINITY], 'retry max_delay_seconds must be a number from delay_seconds (1) to 31536000 (1 year), got number Infinity'],
  ] as Array<[[number, number?, number?, number?], string]>)('rejects df.retry(A, %j)', (args, message) => {
    expect(graphErrorOf(() => retry('A', ...args))).toBe(message);
    const [max_attempts, delay_seconds = 1, backoff = 2, max_delay_seconds = 300] = args;
    // JSON has no NaN or Infinity (JSON.stringify writes null), so an envelope cannot carry them.
    if ([delay_seconds, backoff, max_delay_seconds].every(Number.isFinite)) {
      expect(graphErrorOf(() => parseEnvelope(withRetry({ max_attempts, delay_seconds, backoff, max_delay_seconds })))).toBe(atRoot(message));
    }
  });

  it('allows a delay below 0.1 s (or none) for at most 10 attempts, so a failing step cannot busy a worker', () => {
    expect(JSON.parse(retry('A', 10, 0.0999)).retry.max_attempts).toBe(10);
    expect(JSON.parse(retry('A', 1000, 0.1)).retry.max_attempts).toBe(1000);
    const message = (delay: number, attempts: number): string =>
      `retry delay_seconds ${delay} is too short for max_attempts ${attempts}: a delay below 0.1 s is allowed for at most ` +
      '10 attempts, so that a failing step cannot keep a worker busy; use a longer delay or fewer attempts';
    expect(graphErrorOf(() => retry('A', 11, 0.0999))).toBe(message(0.0999, 11));
    expect(graphErrorOf(() => retry('A', 1000, 0, 1))).toBe(message(0, 1000));
    expect(graphErrorOf(() => parseEnvelope(withRetry(policy({ max_attempts: 11, delay_seconds: 0 }))))).toBe(atRoot(message(0, 11)));
  });

  it('reads a number JSON cannot represent as Infinity and rejects it', () => {
    expect(graphErrorOf(() => parseEnvelope('{"node_type":"SQL","query":"x","retry":{"max_attempts":3,"delay_seconds":1e400,"backoff":2,"max_delay_seconds":300}}')))
      .toBe(atRoot('retry delay_seconds must be a number from 0 to 31536000 (1 year), got number Infinity'));
  });

  it('writes a negative zero delay as 0', () => {
    expect(JSON.parse(retry('A', 3, -0, 1, -0)).retry).toEqual({ max_attempts: 3, delay_seconds: 0, backoff: 1, max_delay_seconds: 0 });
    expect(retry('A', 3, -0, 1, -0)).toContain('"delay_seconds":0,');
  });

  it('keeps the wait before every attempt a valid date for every policy at the limits', () => {
    // The wait that src/engine/worker.ts computes before attempt n + 1.
    const wait = (p: { delay_seconds: number; backoff: number; max_delay_seconds: number }, n: number): number =>
      Math.min(p.delay_seconds * p.backoff ** (n - 1), p.max_delay_seconds);
    const now = Date.UTC(2026, 0, 1);
    for (const [attempts, delay, backoff, maxDelay] of [
      [1000, 0.1, 10, ONE_YEAR], [1000, 0.1, 1, 0.1], [1000, 0.1, 1.0000001, ONE_YEAR], [1000, ONE_YEAR, 10, ONE_YEAR],
      [10, 0, 10, ONE_YEAR], [10, 0, 10, 0], [10, Number.MIN_VALUE, 10, ONE_YEAR],
    ] as const) {
      const p = JSON.parse(retry('A', attempts, delay, backoff, maxDelay)).retry;
      for (let n = 1; n < p.max_attempts; n += 1) {
        const seconds = wait(p, n);
        expect(seconds >= 0 && seconds <= ONE_YEAR, `policy ${JSON.stringify(p)}, attempt ${n}: ${seconds}`).toBe(true);
        expect(Number.isNaN(new Date(now + seconds * 1000).getTime())).toBe(false);
        if (p.max_attempts > 10) expect(seconds).toBeGreaterThanOrEqual(0.1);
      }
    }
  });
});

describe('result names: at most 63 characters, like a PostgreSQL identifier', () => {
  const name63 = `n${'x'.repeat(62)}`;
  const name64 = `${name63}x`;

  it('accepts 63 characters everywhere a name is given', () => {
    expect(JSON.parse(as('A', name63)).result_name).toBe(name63);
    expect(JSON.parse(ifRows(name63, 'A', 'B')).query).toBe(JSON.stringify({ condition_type: 'result_has_rows', result_name: name63 }));
    expect(parseEnvelope(node({ node_type: 'SQL', query: 'x', result_name: name63 })).result_name).toBe(name63);
  });

  it('rejects 64 characters, quoting only the start of the name', () => {
    const shown = `'${name64.slice(0, 60)}'… (64 characters)`;
    expect(graphErrorOf(() => as('A', name64))).toBe(`df.as: result name ${shown} must be at most 63 characters long`);
    expect(graphErrorOf(() => ifRows(name64, 'A', 'B'))).toBe(`df.if_rows: result name ${shown} must be at most 63 characters long`);
    expect(graphErrorOf(() => parseEnvelope(node({ node_type: 'SQL', query: 'x', result_name: name64 })))).toBe(
      atRoot(`result name ${shown} must be at most 63 characters long`),
    );
    const ifRowsNode = node({ node_type: 'IF', left_node: { node_type: 'SQL', query: 'A' }, right_node: { node_type: 'SQL', query: 'B' }, query: JSON.stringify({ if_rows: name64 }) });
    expect(graphErrorOf(() => parseEnvelope(ifRowsNode))).toBe(
      atRoot(`invalid IF query: if_rows: result name ${shown} must be at most 63 characters long`),
    );
  });
});

describe('wait_for_schedule', () => {
  it('rejects a schedule that never ticks when the workflow is built, and in an envelope', () => {
    expect(graphErrorOf(() => waitForSchedule('0 0 30 2 *'))).toBe(
      "Invalid cron expression '0 0 30 2 *': the schedule never matches any date (February has no day 30)",
    );
    const env = node({ node_type: 'WAIT_SCHEDULE', query: JSON.stringify({ cron_expr: '0 0 31 4,6,9,11 *' }) });
    expect(graphErrorOf(() => parseEnvelope(env))).toBe(
      atRoot("Invalid cron expression '0 0 31 4,6,9,11 *': the schedule never matches any date (April, June, September and November have no day 31)"),
    );
  });

  it('accepts a leap day, which ticks every four years', () => {
    expect(waitForSchedule('0 0 29 2 *')).toContain('0 0 29 2 *');
  });
});

describe('huge strings are cut short in messages', () => {
  const huge = 'X'.repeat(1_000_000);

  const start = (message: string): string => `Invalid durable function: ${message}`;
  it.each([
    ['an unknown node type', node({ node_type: huge }), start(`Unknown node_type '${'X'.repeat(60)}'… (1000000 characters). Valid types: ${NODE_TYPES.join(', ')}`)],
    ['an unknown key', `{"node_type":"SQL","query":"x",${JSON.stringify(huge)}:1}`, atRoot(`unknown key '${'X'.repeat(60)}'… (1000000 characters) in workflow node`)],
    ['a node that is a string', JSON.stringify(huge), start(`Malformed Durofut JSON: a workflow node must be a JSON object with node_type, got the string "${'X'.repeat(60)}"… (1000000 characters)`)],
    ['a bad result name', node({ node_type: 'SQL', query: 'x', result_name: huge }), atRoot(`result name '${'X'.repeat(60)}'… (1000000 characters) must be at most 63 characters long`)],
  ])('%s', (_, text, message) => {
    expect(graphErrorOf(() => parseEnvelope(text))).toBe(message);
  });

  it('a cron expression of a million characters', () => {
    expect(graphErrorOf(() => waitForSchedule(huge))).toBe(
      `Invalid cron expression '${'X'.repeat(40)}…': it is 1000000 characters long, more than the limit of 1000`,
    );
  });

  it('a huge SQL step is a user\'s own query and is kept whole', () => {
    expect(workflowFromText(`SELECT '${huge}'`).query).toHaveLength(1_000_009);
  });
});
