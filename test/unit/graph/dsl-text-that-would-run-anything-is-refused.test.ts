import { describe, expect, it } from 'vitest';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });
const SUBSET = '; df.explain only reads literals, df.* builders and the workflow operators (it never runs them)';
const refused = (reason: string): string => `Cannot explain input: ${reason}${SUBSET}`;

describe('text that would run or read something is refused, naming the token and its position', () => {
  it.each([
    ["df.start('SELECT 1')", '"df.start" at position 1 is not a workflow builder'],
    ["df.signal('id', 'go', '{}')", '"df.signal" at position 1 is not a workflow builder'],
    ["df._partial_if('c', 't')", '"df._partial_if" at position 1 is not a workflow builder'],
    ["'a' ~> df.setvar('x', '1')", '"df.setvar" at position 8 is not a workflow builder'],
    ['pg_sleep(1)', 'the function "pg_sleep" at position 1 is not a df.* builder'],
    ["seq('a', 'b')", 'the function "seq" at position 1 is not a df.* builder'],
    ['pg_catalog.pg_sleep(1)', '"pg_catalog" at position 1 is not a literal, a df.* builder call or a workflow operator'],
    ['(SELECT 1)', '"SELECT" at position 2 is not a literal, a df.* builder call or a workflow operator'],
    ["'a' ~> (SELECT query FROM t)", '"SELECT" at position 9 is not a literal, a df.* builder call or a workflow operator'],
    ["some_column ~> 'a'", '"some_column" at position 1 is not a literal, a df.* builder call or a workflow operator'],
    ['"DF".sleep(5)', '"DF" at position 1 is not a literal, a df.* builder call or a workflow operator'],
    ['df."SLEEP"(5)', 'df."SLEEP" at position 1 is not a workflow builder'],
    ["'a' || 'b'", 'the operator "||" at position 5 is not a workflow operator (~> |=> & | ?> !> @>)'],
    ["'a' ~>@> 'b'", 'the operator "~>@>" at position 5 is not a workflow operator (~> |=> & | ?> !> @>)'],
    ["'a' @> 'b'", '"@>" at position 5 follows an operand, but @> is a prefix operator (@> body)'],
    ["'a' ~> 'b' IS NULL", 'unexpected "IS" at position 12 after a complete expression'],
    ["df.sleep(5); SELECT pg_sleep(1)", '";" at position 12 ends the statement: only one expression can be explained'],
    ["df.sleep(5);", '";" at position 12 ends the statement: only one expression can be explained'],
    ["$1 ~> 'a'", 'the parameter "$1" at position 1 has no value'],
    ["'a'::regclass", 'the cast to "regclass" at position 6 is not supported (only ::text, ::integer, ::bigint and ::numeric)'],
    ["CAST('a' AS text)", 'the function "CAST" at position 1 is not a df.* builder'],
    ["ARRAY['a']", '"ARRAY" at position 1 is not a literal, a df.* builder call or a workflow operator'],
    ["B'101'", 'the "B\'" literal at position 1 is not supported'],
    ["-'5'", 'the sign "-" at position 1 can only precede a number, not "\'5\'" at position 2'],
  ])('%s', (text, reason) => {
    expect(() => read(text)).toThrow(refused(reason));
  });

  it('counts positions in characters, as PostgreSQL does', () => {
    expect(() => read("'😀é' ~> nope")).toThrow(refused('"nope" at position 9 is not a literal, a df.* builder call or a workflow operator'));
  });
});

describe('text that is not one complete expression is refused', () => {
  it.each([
    ['df.sleep(5', 'the "(" at position 9 is never closed'],
    ["(('a')", 'the "(" at position 1 is never closed'],
    ["'a')", '")" at position 4 has no matching "("'],
    ["df.seq('a' 'b')", 'expected ")" for the "(" at position 7, found "\'b\'" at position 12'],
    ["df.seq('a',)", 'unexpected ")" at position 12'],
    ["'a' ~>", 'the input ends where an operand should follow'],
    ["~> 'a'", 'expected an operand, found "~>" at position 1'],
    ['', 'the input ends where an operand should follow'],
    ['-- nothing', 'the input ends where an operand should follow'],
    ["'unterminated", 'unterminated quoted string at position 1'],
    ["$$a ~> 'b'", 'unterminated dollar-quoted string at position 1'],
    ["'a' /* open", 'unterminated /* comment at position 5'],
    ['5abc', 'trailing junk after the number at position 1'],
    ['df.sleep', '"df.sleep" at position 1 is not followed by an argument list'],
    ["'a' ~> 'b' \\g", 'unexpected character "\\" at position 12'],
  ])('%s', (text, reason) => {
    expect(() => read(text)).toThrow(refused(reason));
  });
});
