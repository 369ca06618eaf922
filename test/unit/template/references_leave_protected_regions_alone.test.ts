import { describe, expect, it } from 'vitest';
import { substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

const ctx = context({ x: rowSet('{"v":1}') });

describe('$name is never substituted inside protected regions', () => {
  it.each([
    ["SELECT '$x', $x", "SELECT '$x', 1"],
    ["SELECT 'it''s $x', $x", "SELECT 'it''s $x', 1"],
    ["SELECT E'\\'$x', $x", "SELECT E'\\'$x', 1"],
    ["SELECT E'\\\\', $x", "SELECT E'\\\\', 1"],
    ['SELECT "$x", $x', 'SELECT "$x", 1'],
    ['SELECT "a""$x", $x', 'SELECT "a""$x", 1'],
    ['SELECT $x -- $x\n, $x', 'SELECT 1 -- $x\n, 1'],
    ['SELECT /* $x /* $x */ $x */ $x', 'SELECT /* $x /* $x */ $x */ 1'],
    ['SELECT $$ $x $$, $x', 'SELECT $$ $x $$, 1'],
    ['SELECT $body$ $x $$ $x $body$, $x', 'SELECT $body$ $x $$ $x $body$, 1'],
    ["SELECT U&'$x', N'$x', $x", "SELECT U&'$x', N'$x', 1"],
  ])('%j becomes %j', (template, expected) => {
    expect(substituteSql(template, ctx)).toBe(expected);
  });

  it('leaves everything after an unterminated string untouched', () => {
    expect(substituteSql("SELECT $x, 'open $x", ctx)).toBe("SELECT 1, 'open $x");
  });

  it('does not read $x$ as a reference, because it opens a dollar quote', () => {
    expect(substituteSql('SELECT $x$ body $x$', ctx)).toBe('SELECT $x$ body $x$');
  });

  it('leaves a function body written with dollar quotes intact', () => {
    const template = 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$ SELECT $x $fn$; SELECT $x';
    expect(substituteSql(template, ctx)).toBe(
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$ SELECT $x $fn$; SELECT 1',
    );
  });
});
