// Error texts users and scripts match on follow the reference's wording (Microsoft's
// pg_durable), with what we know beyond it after it: the builders', df.start's reading of its
// argument and df.explain's answer for a graph it would not start.
import { describe, expect, it } from 'vitest';
import * as b from '../../../src/graph/builders.js';
import { NODE_TYPES } from '../../../src/graph/envelope.js';
import { graphErrorOf } from './graph-error.js';

const VALID = `Valid types: ${NODE_TYPES.join(', ')}`;
const SQL = '{"node_type":"SQL","query":"SELECT 1"}';

describe('the builders', () => {
  it.each([
    // [call, our text] — the reference's text is the prefix up to our detail
    ["df.as('A', '1x')", () => b.as('A', '1x'), "df.as: result name '1x' is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*"],
    ["df.as('A', '')", () => b.as('A', ''), 'df.as: result name cannot be empty'],
    ["df.if_rows('$x', …)", () => b.ifRows('$x', 'A', 'B'), "df.if_rows: result name '$x' is not a valid identifier — must match [a-zA-Z_][a-zA-Z0-9_]*"],
    ['df.sleep(-1)', () => b.sleep(-1), 'Sleep duration must be non-negative, got -1'],
    ["df.wait_for_signal('')", () => b.waitForSignal(''), 'Signal name cannot be empty'],
    ["df.wait_for_signal('go', 0)", () => b.waitForSignal('go', 0), 'Timeout must be positive, got 0'],
    ["df.wait_for_schedule('61 * * * *')", () => b.waitForSchedule('61 * * * *'),
      "Invalid cron expression '61 * * * *': minute value 61 out of range 0-59"],
    ["'x' !> 'e'", () => b.completeIf('x', 'e'), 'Invalid if-then-else: left side of !> must be a ?> expression'],
    ['an operand with an unknown node type', () => b.seq('{"node_type":"X"}', 'B'),
      `Invalid Durofut JSON: failed to deserialize workflow step: Unknown node_type 'X'. ${VALID}`],
    ['an operand whose child is not an object', () => b.seq('{"node_type":"THEN","left_node":1,"right_node":{}}', 'B'),
      "Invalid Durofut JSON: failed to deserialize workflow step: Malformed Durofut JSON with node_type 'THEN': Durofut children must be JSON objects"],
    ['an operand with a bad node inside', () => b.seq(`{"node_type":"THEN","left_node":${SQL},"right_node":{"node_type":"Y"}}`, 'B'),
      `Invalid durable function graph: root.right: Unknown node_type 'Y'. ${VALID}`],
  ])('%s', (_, run, text) => {
    expect(graphErrorOf(run)).toBe(text);
  });

  it('a composition of more than 10,000 nodes', () => {
    const branches = Array.from({ length: 9_997 }, () => SQL).join(',');
    const wide = `{"node_type":"JOIN","left_node":${SQL},"right_node":${SQL},"extra_nodes":[${branches}]}`;
    expect(graphErrorOf(() => b.loop(wide))).toBe(
      'Workflow exceeds maximum node count of 10000. Simplify the workflow or break it into multiple instances.',
    );
  });
});

describe("df.start's reading of its argument", () => {
  const start = (text: string): string => graphErrorOf(() => b.workflowFromText(text, 'start'));

  it('the envelope itself: Invalid durable function: …', () => {
    expect(start('{"node_type":"NOT_A_NODE"}')).toBe(`Invalid durable function: Unknown node_type 'NOT_A_NODE'. ${VALID}`);
    expect(start('{"node_type":"JOIN","left_node":{},"right_node":{},"extra_nodes":[1]}')).toBe(
      "Invalid durable function: Malformed Durofut JSON with node_type 'JOIN': extra_nodes entries must be Durofut JSON objects",
    );
    expect(start('{"node_type":"SQL","query":')).toMatch(/^Invalid durable function: Malformed Durofut JSON: \S/);
  });

  it('a node of the graph: Invalid durable function graph: <where>: …', () => {
    expect(start(`{"node_type":"RACE","left_node":${SQL},"right_node":{"node_type":"NOT_A_NODE"}}`)).toBe(
      `Invalid durable function graph: root.right: Unknown node_type 'NOT_A_NODE'. ${VALID}`,
    );
    expect(start(`{"node_type":"LOOP","left_node":${SQL},"condition_node":{"node_type":"IF","left_node":${SQL},"right_node":${SQL},"query":"{\\"condition_node\\":1}"}}`))
      .toBe('Invalid durable function graph: root.condition_node: condition_node in IF must be a first-class Durofut field, not embedded in query');
    expect(start(`{"node_type":"SQL","query":"x","condition_node":${SQL}}`)).toBe(
      'Invalid durable function graph: root: condition_node is not valid for SQL nodes',
    );
  });
});

describe("df.explain's answer for a graph df.start would refuse", () => {
  const answer = (text: string): string | null => {
    const read = b.readWorkflow(text, 'explain');
    return read.failure === undefined ? null : read.failure.graphText('explain');
  };

  it('names the node, the root included, as the reference does', () => {
    expect(answer('{"node_type":"NOT_A_NODE"}')).toBe(`Invalid durable function graph: root: Unknown node_type 'NOT_A_NODE'. ${VALID}`);
    expect(answer(`{"node_type":"THEN","left_node":${SQL},"right_node":{"node_type":"SQL"}}`)).toBe(
      'Invalid durable function graph: root.right: SQL node requires a query',
    );
  });

  it('leaves malformed envelope text to the caller, which refuses it as input it cannot explain', () => {
    expect(answer('{"node_type":"SQL","query":')).toBeNull();
  });
});
