import { describe, expect, it } from 'vitest';
import { JsonNumber, parseLossless, type Json } from '../../../src/json/lossless.js';
import { isTruthy } from '../../../src/values/truthiness.js';

const num = (text: string): JsonNumber => new JsonNumber(text);

describe('isTruthy', () => {
  it('is false for null', () => {
    expect(isTruthy(null)).toBe(false);
  });

  it('returns a boolean as it is', () => {
    expect(isTruthy(true)).toBe(true);
    expect(isTruthy(false)).toBe(false);
  });

  it.each(['0', '-0', '0.0', '-0.000', '0e5', '0E-3', '0.0e+10'])(
    'is false for the number written %s, which is exactly zero',
    (text) => {
      expect(isTruthy(num(text))).toBe(false);
    },
  );

  it.each(['1', '-1', '0.5', '1e-400', '12345678901234567890123', '1E3'])(
    'is true for the non-zero number written %s',
    (text) => {
      expect(isTruthy(num(text))).toBe(true);
    },
  );

  it.each(['', '   ', '\t\n'])('is false for the empty or blank string %j', (text) => {
    expect(isTruthy(text)).toBe(false);
  });

  it.each(['true', 't', 'yes', 'TRUE', 'T', 'Yes', '  true  '])('is true for the word %j', (text) => {
    expect(isTruthy(text)).toBe(true);
  });

  it.each(['false', 'f', 'no', 'FALSE', 'F', 'No', ' false\n'])('is false for the word %j', (text) => {
    expect(isTruthy(text)).toBe(false);
  });

  it.each(['0', '0.0', '-0', '+0', '.0', '0.', '0e5', ' 00 ', '-0.000E+3'])(
    'is false for the numeric text %j, which is zero',
    (text) => {
      expect(isTruthy(text)).toBe(false);
    },
  );

  it.each(['1', '-2', '0.001', '.5', '1e-400', ' 42 '])('is true for the numeric text %j, which is not zero', (text) => {
    expect(isTruthy(text)).toBe(true);
  });

  it.each(['hello', 'null', '0x0', 'NaN', 'off', 'n', '0 0'])('is true for any other non-empty text such as %j', (text) => {
    expect(isTruthy(text)).toBe(true);
  });

  it('is true only for a non-empty array', () => {
    expect(isTruthy([])).toBe(false);
    expect(isTruthy([false])).toBe(true);
  });

  it('is true only for a non-empty object', () => {
    expect(isTruthy({})).toBe(false);
    expect(isTruthy({ a: null })).toBe(true);
  });

  describe('for a query result with rows', () => {
    it('is false when there are no rows', () => {
      expect(isTruthy({ rows: [] })).toBe(false);
      expect(isTruthy({ rows: [], rowCount: num('5') })).toBe(false);
    });

    it('judges the first column of the first row', () => {
      expect(isTruthy({ rows: [{ ok: true, other: false }] })).toBe(true);
      expect(isTruthy({ rows: [{ ok: false, other: true }] })).toBe(false);
      expect(isTruthy({ rows: [{ n: num('0') }, { n: num('1') }] })).toBe(false);
      expect(isTruthy({ rows: [{ n: num('3') }, { n: num('0') }] })).toBe(true);
    });

    it('applies the same rules to the first column as to a plain value', () => {
      const firstColumn = (value: Json): Json => ({ rows: [{ value }] });
      expect(isTruthy(firstColumn(null))).toBe(false);
      expect(isTruthy(firstColumn('no'))).toBe(false);
      expect(isTruthy(firstColumn(' 0.0 '))).toBe(false);
      expect(isTruthy(firstColumn('yes'))).toBe(true);
      expect(isTruthy(firstColumn([]))).toBe(false);
      expect(isTruthy(firstColumn({ a: num('1') }))).toBe(true);
    });

    it('does not unwrap rows a second time when the first column itself has rows', () => {
      expect(isTruthy({ rows: [{ inner: { rows: [] } }] })).toBe(true);
    });

    it('takes the first column in source order even when a later column is named like a number', () => {
      expect(isTruthy(parseLossless('{"rows":[{"b":0,"2":1}]}'))).toBe(false);
      expect(isTruthy(parseLossless('{"rows":[{"b":1,"2":0}]}'))).toBe(true);
    });

    it('takes the first element when rows are arrays', () => {
      expect(isTruthy({ rows: [[num('0'), true]] })).toBe(false);
      expect(isTruthy({ rows: [[true, false]] })).toBe(true);
    });

    it('is false when the first row has no columns', () => {
      expect(isTruthy({ rows: [{}] })).toBe(false);
      expect(isTruthy({ rows: [[]] })).toBe(false);
    });
  });

  it('treats an object whose rows is not an array as a plain object', () => {
    expect(isTruthy({ rows: num('0') })).toBe(true);
    expect(isTruthy({ rows: null })).toBe(true);
  });
});
