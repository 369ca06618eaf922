import { describe, expect, it } from 'vitest';
import { fromPlain } from '../../../src/json/lossless.js';
import { type StringSettings, lexSql } from '../../../src/template/lexer.js';
import { substituteSql } from '../../../src/template/substitute.js';
import { context } from './context.js';

const ON: StringSettings = { standardConformingStrings: true };
const OFF: StringSettings = { standardConformingStrings: false };
const BOTH: Array<[string, StringSettings]> = [
  ['on', ON],
  ['off', OFF],
];

const HOSTILE = ["'; DROP TABLE x; --", "\\'; DROP TABLE x; --", 'a\\', '\\\\', "''", "\\''\\", '$$ */ --'];

function withValue(value: unknown) {
  return { ...context(), results: { h: fromPlain({ rows: [{ v: value }], row_count: 1 }) } };
}

/** The value PostgreSQL reads from a literal we emitted, under either setting. */
function decode(literal: string): string {
  if (literal.startsWith("E'")) return literal.slice(2, -1).replace(/\\\\|''/g, (pair) => pair[0]);
  expect(literal).not.toContain('\\');
  return literal.slice(1, -1).replace(/''/g, "'");
}

describe('substitution follows the session string settings', () => {
  it.each(BOTH)('leaves $name alone inside a plain string that \\\' does not close (scs %s)', (setting, strings) => {
    const template = "SELECT 'x\\' AS a, $h AS b";
    const out = substituteSql(template, withValue("'; DROP TABLE x; --"), strings);
    if (setting === 'on') expect(out).toBe("SELECT 'x\\' AS a, '''; DROP TABLE x; --' AS b");
    else expect(out).toBe(template);
  });

  it.each(BOTH)('substitutes after a plain string ending in an escaped backslash (scs %s)', (_, strings) => {
    expect(substituteSql("SELECT 'a\\\\', $h", withValue("\\'; DROP TABLE x; --"), strings)).toBe(
      "SELECT 'a\\\\', E'\\\\''; DROP TABLE x; --'",
    );
  });

  it.each(BOTH)('keeps every hostile value in one literal that reads back exactly (scs %s)', (_, strings) => {
    for (const value of HOSTILE) {
      const segments = lexSql(substituteSql("SELECT 'k\\\\' AS k, $h AS v", withValue(value), strings), strings);
      expect(segments.map((s) => s.kind)).toEqual(['code', 'string', 'code', 'string', 'code']);
      expect(segments[4].text).toBe(' AS v');
      expect(decode(segments[3].text)).toBe(value);
    }
  });

  it('never emits \\\' (which backslash_quote may refuse) in any literal form', () => {
    const rows = HOSTILE.map((v) => ({ [`c"${v}`]: v }));
    const ctx = { ...context(), results: { h: fromPlain({ rows, row_count: rows.length }) } };
    for (const template of ['SELECT $h', 'SELECT 1 = ANY($h)', 'SELECT * FROM $h.*']) {
      for (const segment of lexSql(substituteSql(template, ctx, OFF), OFF)) {
        if (segment.kind === 'string') expect(segment.text.replace(/\\\\/g, '')).not.toContain("\\'");
      }
    }
  });
});
