// df.explain of a graph df.start would refuse answers with the reason, worded as df.start words
// it (`Invalid durable function graph: <where>: <message>`), instead of raising: as the
// reference does, so scripts can tell a drawing from a refusal by its first words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('explain_invalid');
});
afterAll(async () => fx?.close());

const DEPTH = 'Graph exceeds maximum nesting depth of 256. Simplify the workflow or break it into multiple instances.';
const VALID_TYPES = 'SQL, THEN, IF, JOIN, LOOP, BREAK, RACE, SLEEP, WAIT_SCHEDULE, HTTP, HTTP_MULTIPART, SIGNAL, MAP';

/** `SELECT 0` wrapped `wraps` times in ~> by the SQL builders themselves. */
async function chain(wraps: number): Promise<string> {
  return fx.value<string>(
    `WITH RECURSIVE w(n, f) AS (SELECT 0, 'SELECT 0'::text UNION ALL SELECT n + 1, f ~> 'SELECT 1' FROM w WHERE n < $1)
     SELECT f FROM w WHERE n = $1`,
    [wraps],
  );
}

const messageOf = (p: Promise<unknown>): Promise<string> => p.then(() => '', (e: Error) => e.message);

describe('nesting: 256 wrapped levels are accepted, 257 are not', () => {
  it('the builders build both; df.start and df.explain accept 256', async () => {
    const text = await chain(256);
    const tree = await fx.value<string>('SELECT df.explain($1)', [text]);
    expect(tree.split('\n')).toHaveLength(257);
    expect(tree.split('\n')[0]).toBe('SQL: SELECT 0');
    const id = await fx.value<string>('SELECT df.start($1)', [text]);
    expect(await fx.value('SELECT count(*)::int FROM df.nodes WHERE instance_id = $1', [id])).toBe(513);
    // Monitoring reads the stored graph back with the same rule.
    expect((await fx.value<string>('SELECT df.explain($1)', [id])).split('\n')[0]).toBe(`Instance: ${id}`);
    expect(await fx.value('SELECT count(*)::int FROM df.instance_nodes($1)', [id])).toBe(513);
  });

  it('257: df.start raises and df.explain answers with the same words', async () => {
    const text = await chain(257);
    const reason = `Invalid durable function graph: root${'.left'.repeat(257)}: ${DEPTH}`;
    expect(await messageOf(fx.user.query('SELECT df.start($1)', [text]))).toBe(reason);
    expect(await fx.value('SELECT df.explain($1)', [text])).toBe(reason);
    expect(await fx.value(`SELECT df.explain($1, 'mermaid')`, [text])).toBe(reason);
  });

  it('257 written as DSL text, which df.explain builds without running', async () => {
    const dsl = Array.from({ length: 258 }, (_, i) => `'SELECT ${i}'`).join(' ~> ');
    expect(await fx.value('SELECT df.explain($1)', [dsl])).toBe(`Invalid durable function graph: root${'.left'.repeat(257)}: ${DEPTH}`);
  });
});

describe('far deeper graphs, in the runtime the engine runs in', () => {
  it('a builder reads and writes 9,000 nested loops; df.start and df.explain name the first node too deep', async () => {
    const deep = `${'{"node_type":"LOOP","left_node":'.repeat(9_000)}{"node_type":"SQL","query":"SELECT 1"}${'}'.repeat(9_000)}`;
    const built = await fx.value<string>('SELECT df.loop($1)', [deep]);
    expect(built).toBe(`{"node_type":"LOOP","left_node":${deep}}`);
    const reason = `Invalid durable function graph: root${'.left'.repeat(257)}: ${DEPTH}`;
    expect(await messageOf(fx.user.query('SELECT df.start($1)', [built]))).toBe(reason);
    expect(await fx.value('SELECT df.explain($1)', [built])).toBe(reason);
  });
});

describe('other graphs df.start would refuse', () => {
  it.each([
    ['an unknown node type at the root', '{"node_type":"NOT_A_NODE"}',
      `Invalid durable function graph: root: Unknown node_type 'NOT_A_NODE'. Valid types: ${VALID_TYPES}`],
    ['an unknown node type in a branch', '{"node_type":"RACE","left_node":{"node_type":"SQL","query":"SELECT 1"},"right_node":{"node_type":"NOPE"}}',
      `Invalid durable function graph: root.right: Unknown node_type 'NOPE'. Valid types: ${VALID_TYPES}`],
    ['an unfinished ?> in DSL text', `'SELECT true' ?> 'SELECT 1'`,
      'Invalid durable function graph: root: incomplete ?> expression: add !> else-branch'],
  ])('%s', async (_, input, reason) => {
    expect(await fx.value('SELECT df.explain($1)', [input])).toBe(reason);
  });

  it('envelope text that is not valid JSON is input it cannot explain, and is raised', async () => {
    expect(await messageOf(fx.user.query('SELECT df.explain($1)', ['{"node_type":"SQL","query":']))).toMatch(
      /^Cannot explain input: not a valid Durofut JSON, instance ID, SQL statement, or DSL expression \(Malformed Durofut JSON: \S.*\)\.$/,
    );
  });
});
