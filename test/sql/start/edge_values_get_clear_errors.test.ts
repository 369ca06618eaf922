// Edge values (NULL, NaN, Infinity, the largest integers, impossible schedules, huge names)
// get a clear error from the SQL builders and from df.start's validation of hand-written
// envelopes, and nothing is inserted; values at the limits are accepted and make valid times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('start_edges');
});
afterAll(async () => fx?.close());

async function instances(): Promise<number> {
  return fx.value<number>('SELECT count(*)::int FROM df.instances');
}

/** `sql` fails with `message` and leaves df.instances as it was. */
async function rejects(sql: string, message: string, params: unknown[] = []): Promise<void> {
  const before = await instances();
  await expect(fx.user.query(sql, params)).rejects.toThrow(message);
  expect(await instances()).toBe(before);
}

const HUNDRED_YEARS = '3155760000 (100 years)';
const ONE_YEAR = '31536000 (1 year)';

describe('df.start with no workflow', () => {
  it('df.start(NULL) says a workflow is needed', async () => {
    await rejects('SELECT df.start(NULL)', 'df.start() needs a workflow: got NULL');
    await rejects('SELECT df.start($1)', 'df.start() needs a workflow: got NULL', [null]);
  });

  it('df.loop(NULL) says a body is needed', async () => {
    await rejects('SELECT df.start(df.loop(NULL))', 'df.loop() needs a body: got NULL');
  });
});

describe('the SQL builders', () => {
  it.each([
    ['df.sleep(9007199254740991)', `df.sleep seconds must be at most ${HUNDRED_YEARS}, got 9007199254740991: sleep in a df.loop to wait longer`],
    ['df.sleep(9223372036854775807)', `df.sleep seconds must be at most ${HUNDRED_YEARS}, got 9223372036854775807`],
    ['df.sleep(3155760001)', `df.sleep seconds must be at most ${HUNDRED_YEARS}, got 3155760001`],
    ['df.sleep(-1)', 'Sleep duration must be non-negative, got -1'],
    ["df.wait_for_signal('go', 0)", 'Timeout must be positive, got 0'],
    ["df.wait_for_signal('', 5)", 'Signal name cannot be empty'],
    ["df.wait_for_signal(repeat('s', 256))", 'df.wait_for_signal: signal name must be at most 255 characters'],
    ["df.wait_for_schedule('0 0 30 2 *')", "Invalid cron expression '0 0 30 2 *': the schedule never matches any date (February has no day 30)"],
    ["df.wait_for_schedule(repeat('*', 1001))", 'characters long, more than the limit of 1000'],
    ["'SELECT 1' |=> repeat('n', 64)", 'must be at most 63 characters long'],
    ["df.retry('SELECT 1', 1001)", 'retry max_attempts must be a whole number from 1 to 1000, got number 1001'],
    ["df.retry('SELECT 1', 2147483647, 0)", 'retry max_attempts must be a whole number from 1 to 1000, got number 2147483647'],
    ["df.retry('SELECT 1', 1000, 0, 1)", 'retry delay_seconds 0 is too short for max_attempts 1000: a delay below 0.1 s is allowed for at most 10 attempts'],
    ["df.retry('SELECT 1', 3, 1e300)", `retry delay_seconds must be a number from 0 to ${ONE_YEAR}, got number 1e+300`],
    ["df.retry('SELECT 1', 3, 'NaN')", `retry delay_seconds must be a number from 0 to ${ONE_YEAR}, got number NaN`],
    ["df.retry('SELECT 1', 3, 'Infinity')", `retry delay_seconds must be a number from 0 to ${ONE_YEAR}, got number Infinity`],
    ["df.retry('SELECT 1', 3, 1, 1e300)", 'retry backoff must be a number from 1 to 10, got number 1e+300'],
    ["df.retry('SELECT 1', 3, 1, 0)", 'retry backoff must be a number from 1 to 10, got number 0'],
    ["df.retry('SELECT 1', 3, 1, 2, 31536001)", `retry max_delay_seconds must be a number from delay_seconds (1) to ${ONE_YEAR}, got number 31536001`],
    ["df.retry('SELECT 1', 3, 600)", `retry max_delay_seconds must be a number from delay_seconds (600) to ${ONE_YEAR}, got number 300`],
  ])('df.start(%s) fails with a clear error', async (expression, message) => {
    await rejects(`SELECT df.start(${expression})`, message);
  });

  it('accept every bound at its limit', async () => {
    for (const expression of [
      'df.sleep(3155760000)',
      `df.wait_for_signal(repeat('s', 255), 2147483647)`,
      "df.wait_for_schedule('0 0 29 2 *')",
      "'SELECT 1' |=> repeat('n', 63)",
      "df.retry('SELECT 1', 1000, 0.1, 10, 31536000)",
      "df.retry('SELECT 1', 10, 0, 10, 0)",
    ]) {
      expect(JSON.parse(await fx.value<string>(`SELECT ${expression}`)), expression).toHaveProperty('node_type');
    }
  });
});

describe('envelopes given to df.start', () => {
  const env = (fields: object): string => JSON.stringify(fields);
  const sql = { node_type: 'SQL', query: 'SELECT 1' };

  it.each([
    ['a 100-year-and-a-second sleep', env({ node_type: 'SLEEP', query: '3155760001' }), `SLEEP query must be a whole number of seconds from 0 to ${HUNDRED_YEARS}, got "3155760001"`],
    ['the largest bigint as a sleep', env({ node_type: 'SLEEP', query: '9223372036854775807' }), 'SLEEP query must be a whole number of seconds from 0'],
    ['a huge signal timeout', env({ node_type: 'SIGNAL', query: '{"signal_name":"go","timeout_seconds":1e12}' }), `invalid SIGNAL query: timeout_seconds must be a whole number from 1 to ${HUNDRED_YEARS}, or null, got number 1000000000000`],
    ['an impossible schedule', env({ node_type: 'WAIT_SCHEDULE', query: '{"cron_expr":"0 0 31 4,6,9,11 *"}' }), 'the schedule never matches any date (April, June, September and November have no day 31)'],
    ['2^31-1 attempts', env({ ...sql, retry: { max_attempts: 2147483647, delay_seconds: 1, backoff: 2, max_delay_seconds: 300 } }), 'retry max_attempts must be a whole number from 1 to 1000, got number 2147483647'],
    ['1e300 attempts', env({ ...sql, retry: { max_attempts: 1e300, delay_seconds: 1, backoff: 2, max_delay_seconds: 300 } }), 'retry max_attempts must be a whole number from 1 to 1000, got number 1e+300'],
    ['1,000 immediate attempts', env({ ...sql, retry: { max_attempts: 1000, delay_seconds: 0, backoff: 2, max_delay_seconds: 300 } }), 'retry delay_seconds 0 is too short for max_attempts 1000'],
    ['an infinite delay', '{"node_type":"SQL","query":"SELECT 1","retry":{"max_attempts":3,"delay_seconds":1e400,"backoff":2,"max_delay_seconds":300}}', `retry delay_seconds must be a number from 0 to ${ONE_YEAR}, got number Infinity`],
    ['a 64-character result name', env({ ...sql, result_name: 'n'.repeat(64) }), '(64 characters) must be at most 63 characters long'],
    ['a million-character node type', env({ node_type: 'X'.repeat(1_000_000) }), `Unknown node_type '${'X'.repeat(60)}'… (1000000 characters)`],
  ])('rejects %s', async (_, envelope, message) => {
    await rejects('SELECT df.start($1)', message, [envelope]);
  });

  it('rejects a bad node deep in the tree, naming where it is as the reference does', async () => {
    const envelope = env({ node_type: 'THEN', left_node: sql, right_node: { node_type: 'SLEEP', query: '9007199254740991' } });
    const before = await instances();
    await expect(fx.user.query('SELECT df.start($1)', [envelope])).rejects.toMatchObject({
      message: `Invalid durable function graph: root.right: SLEEP query must be a whole number of seconds from 0 to ${HUNDRED_YEARS}, got "9007199254740991"`,
    });
    expect(await instances()).toBe(before);
  });
});

describe('values at the limits make valid times', () => {
  it('a 100-year sleep wakes 100 years from now', async () => {
    const id = await fx.value<string>('SELECT df.start(df.sleep(3155760000))');
    const years = await fx.value<number>(
      `SELECT round(extract(epoch FROM wake_at - now()) / 31557600)::int FROM df.activations WHERE instance_id = $1`,
      [id],
    );
    expect(years).toBe(100);
    await fx.value('SELECT df.cancel($1)', [id]);
  });

  it('ten immediate attempts run and the step then fails with its own error', { timeout: 60_000 }, async () => {
    await fx.user.query('CREATE SEQUENCE attempts');
    await fx.startWorkers(1);
    try {
      const done = await runWorkflow(fx, `df.retry('SELECT 1 / (nextval(''attempts'') * 0)', 10, 0, 10, 0)`);
      expect(done.status).toBe('failed');
      expect(done.error).toContain('division by zero');
      expect(await fx.value<string>(`SELECT last_value::text FROM attempts`)).toBe('10');
    } finally {
      await fx.stopWorkers();
    }
  });
});
