import { describe, expect, it } from 'vitest';
import { lexSql } from '../../../src/template/lexer.js';

function pieces(sql: string): Array<[string, string]> {
  return lexSql(sql).map((segment) => [segment.kind, segment.text]);
}

describe('the lexer protects comments and dollar-quoted bodies', () => {
  it('ends a line comment at a newline or carriage return', () => {
    expect(pieces("a -- $x 'b\nc --d\re")).toEqual([
      ['code', 'a '],
      ['comment', "-- $x 'b"],
      ['code', '\nc '],
      ['comment', '--d'],
      ['code', '\re'],
    ]);
  });

  it('nests block comments as PostgreSQL does', () => {
    expect(pieces('a /* x /* $y */ still comment */ b')).toEqual([
      ['code', 'a '],
      ['comment', '/* x /* $y */ still comment */'],
      ['code', ' b'],
    ]);
  });

  it('does not let a quote inside a comment open a string', () => {
    expect(pieces("/* it's */ $x -- don't\n$y")).toEqual([
      ['comment', "/* it's */"],
      ['code', ' $x '],
      ['comment', "-- don't"],
      ['code', '\n$y'],
    ]);
  });

  it('protects an empty-tag dollar-quoted body', () => {
    expect(pieces("DO $$ BEGIN RAISE NOTICE '$x'; END $$; $y")).toEqual([
      ['code', 'DO '],
      ['dollar_quoted', "$$ BEGIN RAISE NOTICE '$x'; END $$"],
      ['code', '; $y'],
    ]);
  });

  it('closes a tagged body only at the same tag', () => {
    expect(pieces('$fn$ a $$ b $other$ c $fn$ d')).toEqual([
      ['dollar_quoted', '$fn$ a $$ b $other$ c $fn$'],
      ['code', ' d'],
    ]);
  });

  it('treats $name$ as a dollar-quote opener', () => {
    expect(pieces('SELECT $batch$ x $batch$, $batch')).toEqual([
      ['code', 'SELECT '],
      ['dollar_quoted', '$batch$ x $batch$'],
      ['code', ', $batch'],
    ]);
  });

  it('does not open a dollar quote at a positional parameter or a tag starting with a digit', () => {
    expect(pieces('SELECT $1, $2$ x')).toEqual([['code', 'SELECT $1, $2$ x']]);
  });

  it('does not open a dollar quote at a $ inside an identifier', () => {
    expect(pieces('SELECT a$b$ , c$$')).toEqual([['code', 'SELECT a$b$ , c$$']]);
  });

  it('accepts non-ASCII letters and underscores in a tag', () => {
    expect(pieces('$_ü1$ body $_ü1$x')).toEqual([
      ['dollar_quoted', '$_ü1$ body $_ü1$'],
      ['code', 'x'],
    ]);
  });

  it('keeps -- and /* inside strings and dollar bodies from starting comments', () => {
    expect(pieces("'--' $$/*$$ x")).toEqual([
      ['string', "'--'"],
      ['code', ' '],
      ['dollar_quoted', '$$/*$$'],
      ['code', ' x'],
    ]);
  });
});
