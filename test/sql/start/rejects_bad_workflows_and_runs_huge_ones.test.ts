import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { awaitWorkflow } from '../../support/workflow.js';
import { waitFor } from '../../support/slow-step.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('start_bad_huge');
  await fx.user.query('CREATE TABLE hits (leaf int)');
});
afterAll(async () => fx?.close());

interface Env {
  node_type: string;
  left_node?: Env;
  right_node?: Env;
  query?: string;
}

/** A balanced tree of THEN nodes over `leaves` SQL steps: 2 × leaves − 1 nodes, depth ~log2. */
function balanced(from: number, to: number): Env {
  if (from === to) return { node_type: 'SQL', query: `INSERT INTO hits VALUES (${from})` };
  const mid = Math.floor((from + to) / 2);
  return { node_type: 'THEN', left_node: balanced(from, mid), right_node: balanced(mid + 1, to) };
}

/** A step wrapped in `wraps` THEN nodes: it sits `wraps` levels below the root. */
function chain(wraps: number): Env {
  let env: Env = { node_type: 'SQL', query: 'SELECT 1' };
  for (let i = 0; i < wraps; i++) env = { node_type: 'THEN', left_node: env, right_node: { node_type: 'SQL', query: 'SELECT 1' } };
  return env;
}

const VALID_TYPES = 'SQL, THEN, IF, JOIN, LOOP, BREAK, RACE, SLEEP, WAIT_SCHEDULE, HTTP, HTTP_MULTIPART, SIGNAL, MAP';
const LIMIT_ADVICE = 'Simplify the workflow or break it into multiple instances.';

async function instances(): Promise<number> {
  return fx.value<number>('SELECT count(*)::int FROM df.instances');
}

describe('df.start with bad input', () => {
  it.each([
    ['an unknown node type', '{"node_type":"X","query":"SELECT 1"}', `Invalid durable function: Unknown node_type 'X'. Valid types: ${VALID_TYPES}`],
    ['a THEN without children', '{"node_type":"THEN"}', 'Invalid durable function graph: root: THEN node requires left_node'],
    ['a bad result name', '{"node_type":"SQL","query":"SELECT 1","result_name":"1; DROP"}',
      "Invalid durable function graph: root: result name '1; DROP' is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*"],
    ['an unfinished ?> expression', null, 'Invalid durable function graph: root: incomplete ?> expression: add !> else-branch'],
  ])('rejects %s with a clear error and creates nothing', async (_, envelope, message) => {
    const before = await instances();
    const sql = envelope === null ? `SELECT df.start('SELECT true' ?> 'SELECT 1')` : `SELECT df.start($1)`;
    await expect(fx.user.query(sql, envelope === null ? [] : [envelope])).rejects.toMatchObject({ message });
    expect(await instances()).toBe(before);
  });

  it('rejects a malformed envelope with what JSON.parse says', async () => {
    await expect(fx.user.query(`SELECT df.start($1)`, ['{"node_type":"SQL", "query": '])).rejects.toThrow(
      /^Invalid durable function: Malformed Durofut JSON: \S/,
    );
  });

  it('rejects more than 10,000 nodes and a node more than 256 levels below the root, naming where', async () => {
    await expect(fx.user.query('SELECT df.start($1)', [JSON.stringify(balanced(1, 5001))])).rejects.toMatchObject({
      // The 10,001st node found, nodes being found parent by parent in preorder (as the reference finds them).
      message: `Invalid durable function graph: root${'.right'.repeat(12)}: Workflow exceeds maximum node count of 10000. ${LIMIT_ADVICE}`,
    });
    await expect(fx.user.query('SELECT df.start($1)', [JSON.stringify(chain(257))])).rejects.toMatchObject({
      message: `Invalid durable function graph: root${'.left'.repeat(257)}: Graph exceeds maximum nesting depth of 256. ${LIMIT_ADVICE}`,
    });
    expect(await instances()).toBe(0);
  });

  it('rejects an unknown transaction mode and another database', async () => {
    await expect(fx.user.query(`SELECT df.start('SELECT 1', NULL, NULL, 'sometimes')`)).rejects.toMatchObject({
      message: `invalid transaction_mode "sometimes" for df.start(): expected 'caller' or 'new'`,
    });
    await expect(fx.user.query(`SELECT df.start('SELECT 1', NULL, 'elsewhere')`)).rejects.toThrow(
      "starting a workflow in another database ('elsewhere') is not supported",
    );
  });
});

describe('df.start with a graph at the limits', () => {
  it('builds, starts and runs 9,999 nodes (5,000 steps), each step once', { timeout: 240_000 }, async () => {
    const envelope = JSON.stringify(balanced(1, 5000));
    const id = await fx.value<string>('SELECT df.start($1)', [envelope]);
    expect(await fx.value('SELECT count(*)::int FROM df.nodes WHERE instance_id = $1', [id])).toBe(9999);
    await fx.startWorkers(2);
    const done = await awaitWorkflow(fx, id, 220);
    expect(done.status).toBe('completed');
    expect(await fx.value('SELECT count(DISTINCT leaf)::int FROM hits')).toBe(5000);
    expect(await fx.value('SELECT count(*)::int FROM hits')).toBe(5000);
  });

  it('runs a 3,000-branch JOIN and keeps the branch results in branch order', { timeout: 120_000 }, async () => {
    const branch = (i: number) => ({ node_type: 'SQL', query: `SELECT ${i} AS i` });
    const envelope = {
      node_type: 'JOIN',
      left_node: branch(0),
      right_node: branch(1),
      extra_nodes: Array.from({ length: 2998 }, (_, k) => branch(k + 2)),
    };
    const id = await fx.value<string>('SELECT df.start($1)', [JSON.stringify(envelope)]);
    const done = await awaitWorkflow(fx, id, 110);
    expect(done.status).toBe('completed');
    const results = done.result as { rows: { i: number }[] }[];
    expect(results.map((r) => r.rows[0].i)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(await fx.value('SELECT count(*)::int FROM df.activations WHERE instance_id = $1 AND NOT retired', [id])).toBe(0);
    // Settled activations are retired; sweeping (here, or a worker's) removes them with their branch results.
    await waitFor('the sweep', async () => {
      await fx.value('SELECT df._sweep()');
      return (await fx.value<number>('SELECT count(*)::int FROM df.activations WHERE instance_id = $1', [id])) === 0;
    });
    expect(await fx.value('SELECT count(*)::int FROM df.branch_results')).toBe(0);
  });

  it('runs a step wrapped in 256 THENs, the deepest graph it accepts', async () => {
    const done = await awaitWorkflow(fx, await fx.value<string>('SELECT df.start($1)', [JSON.stringify(chain(256))]), 60);
    expect(done.status).toBe('completed');
  });
});
