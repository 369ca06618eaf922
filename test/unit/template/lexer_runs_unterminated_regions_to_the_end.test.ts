import { describe, expect, it } from 'vitest';
import { lexSql } from '../../../src/template/lexer.js';

function pieces(sql: string): Array<[string, string]> {
  return lexSql(sql).map((segment) => [segment.kind, segment.text]);
}

describe('the lexer runs unterminated regions to the end without throwing', () => {
  it.each([
    ["SELECT 'abc $x", 'string', "'abc $x"],
    ["SELECT E'abc\\' $x", 'string', "E'abc\\' $x"],
    ["SELECT E'ends in a backslash\\", 'string', "E'ends in a backslash\\"],
    ['SELECT "abc $x', 'quoted_identifier', '"abc $x'],
    ['SELECT /* a /* b */ $x', 'comment', '/* a /* b */ $x'],
    ['SELECT -- $x', 'comment', '-- $x'],
    ['SELECT $t$ $x $$', 'dollar_quoted', '$t$ $x $$'],
  ])('leaves the rest of %j in one %s', (sql, kind, text) => {
    expect(pieces(sql)).toEqual([
      ['code', 'SELECT '],
      [kind, text],
    ]);
  });

  it('returns no segments for empty text', () => {
    expect(lexSql('')).toEqual([]);
  });
});
