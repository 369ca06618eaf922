import { describe, expect, it } from 'vitest';
import { JsonNumber, parseLossless } from '../../../src/json/lossless.js';

describe('parseLossless reads every JSON form', () => {
  it('reads literals, strings, arrays and objects with surrounding whitespace', () => {
    expect(parseLossless(' \t\r\n{"a" : [ true , false , null , "x" , {} , [] ] }\n')).toEqual({
      a: [true, false, null, 'x', {}, []],
    });
  });

  it('decodes every string escape, including surrogate pairs', () => {
    expect(parseLossless('"q\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t\\u00e9\\ud83d\\ude00"')).toBe(
      'q"b\\s/b\bf\fn\nr\rt\té😀',
    );
  });

  it('reads unicode and long plain runs unchanged', () => {
    const text = 'ünïcödé ✓ '.repeat(1000);
    expect(parseLossless(JSON.stringify(text))).toBe(text);
  });

  it('reads a SQL result into rows of columns', () => {
    expect(parseLossless('{"rows":[{"id":1,"name":"a"}],"row_count":1}')).toEqual({
      rows: [{ id: new JsonNumber('1'), name: 'a' }],
      row_count: new JsonNumber('1'),
    });
  });

  it('lets the last of duplicate keys win, as jsonb does', () => {
    expect(parseLossless('{"a":1,"a":2}')).toEqual({ a: new JsonNumber('2') });
  });

  it('stores a "__proto__" key as data without changing the prototype', () => {
    const parsed = parseLossless('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.polluted).toBeUndefined();
  });
});
