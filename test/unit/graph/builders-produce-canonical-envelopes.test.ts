import { describe, expect, it } from 'vitest';
import {
  as, brk, completeIf, ifElse, ifRows, join, join3, loop, partialIf, race, retry, seq, sleep, sql, waitForSchedule,
  waitForSignal,
} from '../../../src/graph/builders.js';
import { readIfRowsQuery } from '../../../src/graph/queries.js';

const A = '{"node_type":"SQL","query":"A"}';
const B = '{"node_type":"SQL","query":"B"}';
const C = '{"node_type":"SQL","query":"C"}';

describe('each builder writes one canonical envelope', () => {
  it('sql wraps the statement in a SQL node', () => {
    expect(sql('SELECT 1')).toBe('{"node_type":"SQL","query":"SELECT 1"}');
  });

  it('sql passes an envelope through unchanged instead of wrapping it twice', () => {
    expect(sql(sql('SELECT 1'))).toBe('{"node_type":"SQL","query":"SELECT 1"}');
  });

  it('seq puts the first step left and the second right of a THEN', () => {
    expect(seq('A', 'B')).toBe(`{"node_type":"THEN","left_node":${A},"right_node":${B}}`);
  });

  it('as names the root of the future', () => {
    expect(as('A', 'first')).toBe('{"node_type":"SQL","query":"A","result_name":"first"}');
  });

  it('as a second time replaces the earlier name', () => {
    expect(as(as('A', 'old'), 'new')).toBe('{"node_type":"SQL","query":"A","result_name":"new"}');
  });

  it('join keeps two branches left and right', () => {
    expect(join('A', 'B')).toBe(`{"node_type":"JOIN","left_node":${A},"right_node":${B}}`);
  });

  it('join3 is flat: the third branch goes into extra_nodes', () => {
    expect(join3('A', 'B', 'C')).toBe(`{"node_type":"JOIN","left_node":${A},"right_node":${B},"extra_nodes":[${C}]}`);
  });

  it('race keeps two branches left and right', () => {
    expect(race('A', 'B')).toBe(`{"node_type":"RACE","left_node":${A},"right_node":${B}}`);
  });

  it('ifElse stores then left, else right and the condition in condition_node', () => {
    expect(ifElse('C', 'A', 'B')).toBe(`{"node_type":"IF","left_node":${A},"right_node":${B},"condition_node":${C}}`);
  });

  it("ifRows is an IF without a condition node whose query names the result, in the reference's form", () => {
    expect(ifRows('found', 'A', 'B')).toBe(
      `{"node_type":"IF","left_node":${A},"right_node":${B},` +
        `"query":"{\\"condition_type\\":\\"result_has_rows\\",\\"result_name\\":\\"found\\"}"}`,
    );
  });

  it('reads the if_rows query of the reference and of pg_durable 0.1.0, and nothing else', () => {
    expect(readIfRowsQuery('{"condition_type":"result_has_rows","result_name":"found"}')).toEqual({ result_name: 'found' });
    expect(readIfRowsQuery('{"if_rows":"found"}')).toEqual({ result_name: 'found' });
    expect(() => readIfRowsQuery('{"condition_type":"sql","result_name":"found"}')).toThrow(
      `invalid IF query: condition_type must be 'result_has_rows' with a result_name, got the string "sql"`,
    );
    expect(() => readIfRowsQuery('{"if_rows":"found","result_name":"x"}')).toThrow(/condition_type must be/);
  });

  it('loop without a condition has only a body', () => {
    expect(loop('A')).toBe(`{"node_type":"LOOP","left_node":${A}}`);
  });

  it('loop with a condition keeps it as the while-condition', () => {
    expect(loop('A', 'C')).toBe(`{"node_type":"LOOP","left_node":${A},"condition_node":${C}}`);
  });

  it('brk keeps the raw value text for substitution at run time', () => {
    expect(brk('$batch.id')).toBe('{"node_type":"BREAK","query":"{\\"break_value\\":\\"$batch.id\\"}"}');
  });

  it('brk without a value breaks with null', () => {
    expect(brk()).toBe('{"node_type":"BREAK","query":"{\\"break_value\\":null}"}');
  });

  it('sleep stores the seconds as text and allows zero', () => {
    expect(sleep(30)).toBe('{"node_type":"SLEEP","query":"30"}');
    expect(sleep(0)).toBe('{"node_type":"SLEEP","query":"0"}');
  });

  it('sleep accepts the seconds as integer text', () => {
    expect(sleep('45')).toBe('{"node_type":"SLEEP","query":"45"}');
  });

  it('waitForSchedule stores the cron expression', () => {
    expect(waitForSchedule('0 9 * * MON')).toBe('{"node_type":"WAIT_SCHEDULE","query":"{\\"cron_expr\\":\\"0 9 * * MON\\"}"}');
  });

  it('waitForSignal stores the name and the timeout', () => {
    expect(waitForSignal('approved', 60)).toBe(
      '{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"approved\\",\\"timeout_seconds\\":60}"}',
    );
  });

  it('waitForSignal without a timeout stores null', () => {
    expect(waitForSignal('approved')).toBe(
      '{"node_type":"SIGNAL","query":"{\\"signal_name\\":\\"approved\\",\\"timeout_seconds\\":null}"}',
    );
  });

  it('retry attaches the policy with its defaults to the root', () => {
    expect(retry('A', 3)).toBe(
      '{"node_type":"SQL","query":"A","retry":{"max_attempts":3,"delay_seconds":1,"backoff":2,"max_delay_seconds":300}}',
    );
  });

  it('retry keeps the name already on the root and writes keys in canonical order', () => {
    expect(retry(as('A', 'n'), 5, 0.5, 1.5, 10)).toBe(
      '{"node_type":"SQL","query":"A","result_name":"n","retry":{"max_attempts":5,"delay_seconds":0.5,"backoff":1.5,"max_delay_seconds":10}}',
    );
  });

  it('as applied after retry keeps the policy and adds the name', () => {
    expect(as(retry('A', 2), 'n')).toBe(
      '{"node_type":"SQL","query":"A","result_name":"n","retry":{"max_attempts":2,"delay_seconds":1,"backoff":2,"max_delay_seconds":300}}',
    );
  });
});

describe('the ?> and !> pair', () => {
  it('partialIf is an IF without an else-branch', () => {
    expect(partialIf('C', 'A')).toBe(`{"node_type":"IF","left_node":${A},"condition_node":${C}}`);
  });

  it('completeIf adds the else-branch and gives the same JSON as ifElse', () => {
    expect(completeIf(partialIf('C', 'A'), 'B')).toBe(ifElse('C', 'A', 'B'));
  });
});

describe('operator chains nest left-associatively as PostgreSQL parses them', () => {
  it("'A' & 'B' & 'C' nests where join3 is flat", () => {
    expect(join(join('A', 'B'), 'C')).toBe(
      `{"node_type":"JOIN","left_node":{"node_type":"JOIN","left_node":${A},"right_node":${B}},"right_node":${C}}`,
    );
  });

  it("'A' ~> 'B' |=> 'n' ~> 'C' names the inner sequence", () => {
    expect(seq(as(seq('A', 'B'), 'n'), 'C')).toBe(
      `{"node_type":"THEN","left_node":{"node_type":"THEN","left_node":${A},"right_node":${B},"result_name":"n"},"right_node":${C}}`,
    );
  });

  it('identical DSL gives byte-identical JSON', () => {
    const build = (): string => seq(as('SELECT 1', 'x'), join3(sleep(1), waitForSignal('s', 5), loop('A', 'B')));
    expect(build()).toBe(build());
  });
});
