import { describe, expect, it } from 'vitest';
import { type StringSettings, dependsOnStringSettings, lexSql } from '../../../src/template/lexer.js';

const ON: StringSettings = { standardConformingStrings: true };
const OFF: StringSettings = { standardConformingStrings: false };

function pieces(sql: string, strings: StringSettings): Array<[string, string]> {
  return lexSql(sql, strings).map((segment) => [segment.kind, segment.text]);
}

describe('the lexer reads strings as the session does', () => {
  it('lets a backslash escape a quote in a plain string only when standard_conforming_strings is off', () => {
    const sql = "SELECT 'a\\' || $x || '; DROP TABLE t; --'";
    expect(pieces(sql, ON)).toEqual([
      ['code', 'SELECT '],
      ['string', "'a\\'"],
      ['code', ' || $x || '],
      ['string', "'; DROP TABLE t; --'"],
    ]);
    expect(pieces(sql, OFF)).toEqual([
      ['code', 'SELECT '],
      ['string', "'a\\' || $x || '"],
      ['code', '; DROP TABLE t; '],
      ['comment', "--'"],
    ]);
  });

  it('reads an escaped backslash and doubled quotes in a plain string the same under both', () => {
    for (const strings of [ON, OFF]) {
      expect(pieces("'a\\\\' $x 'it''s\\\\' $y", strings)).toEqual([
        ['string', "'a\\\\'"],
        ['code', ' $x '],
        ['string', "'it''s\\\\'"],
        ['code', ' $y'],
      ]);
    }
  });

  it("reads N'...' like a plain string", () => {
    expect(pieces("N'a\\' $y'", ON)).toEqual([
      ['string', "N'a\\'"],
      ['code', ' $y'],
      ['string', "'"],
    ]);
    expect(pieces("N'a\\' $y'", OFF)).toEqual([['string', "N'a\\' $y'"]]);
  });

  it("runs an unterminated plain string to the end when \\' does not close it", () => {
    expect(pieces("SELECT 'ends\\' , $x", OFF)).toEqual([
      ['code', 'SELECT '],
      ['string', "'ends\\' , $x"],
    ]);
  });

  it("reads E'...', U&'...', B'...' and X'...' the same under both", () => {
    for (const strings of [ON, OFF]) {
      expect(pieces("E'a\\'b' $x U&'c\\' $y X'1\\' $z", strings)).toEqual([
        ['string', "E'a\\'b'"],
        ['code', ' $x '],
        ['string', "U&'c\\'"],
        ['code', ' $y '],
        ['string', "X'1\\'"],
        ['code', ' $z'],
      ]);
    }
  });

  it('reads quoted identifiers, comments and dollar quotes the same under both', () => {
    const sql = '"a\\" $x $$b\\\'$$ $y -- c\\\'\n/* d\\\' */ $z';
    for (const strings of [ON, OFF]) {
      expect(pieces(sql, strings)).toEqual([
        ['quoted_identifier', '"a\\"'],
        ['code', ' $x '],
        ['dollar_quoted', "$$b\\'$$"],
        ['code', ' $y '],
        ['comment', "-- c\\'"],
        ['code', '\n'],
        ['comment', "/* d\\' */"],
        ['code', ' $z'],
      ]);
    }
  });

  it('tells that only text with a backslash can lex differently', () => {
    expect(dependsOnStringSettings("SELECT 'a''b', E'c', $x")).toBe(false);
    expect(dependsOnStringSettings("SELECT 'a\\'")).toBe(true);
  });
});
