import { describe, expect, it } from 'vitest';
import { JsonNumber, fromPlain } from '../../../src/json/lossless.js';
import { lexSql } from '../../../src/template/lexer.js';
import { SubstitutionError, substituteSql } from '../../../src/template/substitute.js';
import { context } from './context.js';

const HOSTILE = [
  "'; DROP TABLE x; --",
  "\\'; DROP TABLE x; --",
  "a\\",
  "\\\\",
  "''",
  '$$ $x$ $r',
  '*/ /* -- ',
  'line\nbreak\r\n--x',
  'ünïcödé ✓ 😀',
  '" "" E\'x\' U&\'\\0027\'',
];

function withValue(value: unknown) {
  return { ...context(), results: { r: fromPlain({ rows: [{ v: value }], row_count: 1 }) } };
}

/** The value PostgreSQL reads from a literal we emitted; refuses anything but our two forms. */
function decode(literal: string): string {
  if (literal.startsWith("E'")) {
    const body = literal.slice(2, -1);
    expect(body.replace(/\\\\|''/g, '')).not.toMatch(/[\\']/);
    return body.replace(/\\\\|''/g, (pair) => pair[0]);
  }
  // A plain literal holds no backslash, so it reads the same under either standard_conforming_strings.
  expect(literal).not.toContain('\\');
  const body = literal.slice(1, -1);
  expect(body.replace(/''/g, '')).not.toContain("'");
  return body.replace(/''/g, "'");
}

describe('a substituted value can never end the literal it sits in', () => {
  it.each(HOSTILE)('keeps %j inside one string literal that reads back exactly', (value) => {
    const sql = substituteSql('SELECT $r AS x', withValue(value));
    const segments = lexSql(sql);
    expect(segments.map((s) => s.kind)).toEqual(['code', 'string', 'code']);
    expect(segments[0].text).toBe('SELECT ');
    expect(segments[2].text).toBe(' AS x');
    expect(decode(segments[1].text)).toBe(value);
  });

  it('doubles quotes in a classic injection attempt', () => {
    expect(substituteSql('SELECT $r', withValue("'; DROP TABLE x; --"))).toBe("SELECT '''; DROP TABLE x; --'");
  });

  it('switches to an E-literal with doubled backslashes when the value holds a backslash', () => {
    expect(substituteSql('SELECT $r', withValue("\\'; DROP TABLE x; --"))).toBe(
      "SELECT E'\\\\''; DROP TABLE x; --'",
    );
    expect(substituteSql('SELECT $r', withValue('a\\'))).toBe("SELECT E'a\\\\'");
  });

  it('keeps every hostile value inside the array literal of ANY(...)', () => {
    const ctx = { ...context(), results: { r: fromPlain({ rows: HOSTILE.map((v) => ({ v })), row_count: 10 }) } };
    const segments = lexSql(substituteSql('SELECT 1 = ANY($r)', ctx));
    expect(segments.map((s) => [s.kind, s.kind === 'code' ? s.text : ''])).toEqual([
      ['code', 'SELECT 1 = ANY('],
      ['string', ''],
      ['code', ')'],
    ]);
    expect(decode(segments[1].text)).toBe(
      `{${HOSTILE.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`,
    );
  });

  it('keeps every hostile value and column name inside its literal in a table expression', () => {
    const row = Object.fromEntries(HOSTILE.map((v, i) => [`c${i}"${v}`, v]));
    const ctx = { ...context(), results: { r: fromPlain({ rows: [row], row_count: 1 }) } };
    const kinds = lexSql(substituteSql('SELECT * FROM $r.*', ctx)).map((s) => s.kind);
    expect(kinds.filter((k) => k === 'string')).toHaveLength(HOSTILE.length);
    expect(kinds.filter((k) => k === 'quoted_identifier')).toHaveLength(HOSTILE.length + 1);
    expect(kinds).not.toContain('comment');
    expect(kinds).not.toContain('dollar_quoted');
  });

  it('quotes a string that looks like a number or a boolean', () => {
    expect(substituteSql('SELECT $r', withValue('1 OR 1=1'))).toBe("SELECT '1 OR 1=1'");
    expect(substituteSql('SELECT $r', withValue('true'))).toBe("SELECT 'true'");
  });

  it('refuses a number whose text is not a JSON number', () => {
    const ctx = { ...context(), results: { r: { rows: [{ v: new JsonNumber('1; DROP TABLE x') }], row_count: new JsonNumber('1') } } };
    expect(() => substituteSql('SELECT $r', ctx)).toThrow(
      new SubstitutionError('"1; DROP TABLE x" is not a valid number, so it cannot be substituted'),
    );
    expect(() => substituteSql('SELECT 1 = ANY($r)', ctx)).toThrow(SubstitutionError);
  });

  it('refuses a NUL character, which would cut the statement short', () => {
    expect(() => substituteSql('SELECT $r', withValue('a\u0000b'))).toThrow(
      new SubstitutionError('$r contains a NUL character, which PostgreSQL text cannot hold'),
    );
  });

  it('does not substitute right after a string prefix letter such as E', () => {
    expect(substituteSql('SELECT E$r', withValue('x'))).toBe('SELECT E$r');
  });
});
