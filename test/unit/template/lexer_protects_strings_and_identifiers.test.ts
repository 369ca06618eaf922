import { describe, expect, it } from 'vitest';
import { lexSql } from '../../../src/template/lexer.js';

function pieces(sql: string): Array<[string, string]> {
  return lexSql(sql).map((segment) => [segment.kind, segment.text]);
}

describe('the lexer protects string literals and quoted identifiers', () => {
  it('splits code from a plain string literal', () => {
    expect(pieces("SELECT 'a $x b' AS v")).toEqual([
      ['code', 'SELECT '],
      ['string', "'a $x b'"],
      ['code', ' AS v'],
    ]);
  });

  it("keeps a doubled quote inside the string", () => {
    expect(pieces("SELECT 'it''s' , 1")).toEqual([
      ['code', 'SELECT '],
      ['string', "'it''s'"],
      ['code', ' , 1'],
    ]);
  });

  it('treats a backslash in a plain string as an ordinary character (standard_conforming_strings = on)', () => {
    expect(pieces("'a\\' || $x")).toEqual([
      ['string', "'a\\'"],
      ['code', ' || $x'],
    ]);
  });

  it('lets a backslash escape a quote in an E-string, upper or lower case', () => {
    expect(pieces("E'it\\'s $x' e'\\\\' x")).toEqual([
      ['string', "E'it\\'s $x'"],
      ['code', ' '],
      ['string', "e'\\\\'"],
      ['code', ' x'],
    ]);
  });

  it('accepts a doubled quote in an E-string too', () => {
    expect(pieces("E'a''b' c")).toEqual([
      ['string', "E'a''b'"],
      ['code', ' c'],
    ]);
  });

  it('does not read E at the end of a longer word as a string prefix', () => {
    expect(pieces("sometimE'a\\' c'")).toEqual([
      ['code', 'sometimE'],
      ['string', "'a\\'"],
      ['code', ' c'],
      ['string', "'"],
    ]);
  });

  it("keeps the prefix of U&'', N'', B'' and X'' strings with the string", () => {
    expect(pieces("U&'d\\0061t' N'n' B'01' X'1F' u&'x'")).toEqual([
      ['string', "U&'d\\0061t'"],
      ['code', ' '],
      ['string', "N'n'"],
      ['code', ' '],
      ['string', "B'01'"],
      ['code', ' '],
      ['string', "X'1F'"],
      ['code', ' '],
      ['string', "u&'x'"],
    ]);
  });

  it("ends a bit string at its first quote, as PostgreSQL does", () => {
    expect(pieces("B'01''$x'")).toEqual([
      ['string', "B'01'"],
      ['string', "'$x'"],
    ]);
  });

  it('protects a quoted identifier with doubled quotes', () => {
    expect(pieces('SELECT "a ""$x"" b"."c" FROM t')).toEqual([
      ['code', 'SELECT '],
      ['quoted_identifier', '"a ""$x"" b"'],
      ['code', '.'],
      ['quoted_identifier', '"c"'],
      ['code', ' FROM t'],
    ]);
  });

  it('reports start and end offsets that slice back to the text', () => {
    const sql = `SELECT 'x', "y" -- z\n/* w */ $$v$$`;
    const segments = lexSql(sql);
    expect(segments.map((s) => s.kind)).toEqual([
      'code', 'string', 'code', 'quoted_identifier', 'code', 'comment', 'code', 'comment', 'code', 'dollar_quoted',
    ]);
    for (const segment of segments) expect(sql.slice(segment.start, segment.end)).toBe(segment.text);
    expect(segments.map((s) => s.text).join('')).toBe(sql);
  });
});
