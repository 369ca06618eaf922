import { describe, expect, it } from 'vitest';
import { JsonNumber, fromPlain, stringifyLossless } from '../../../src/json/lossless.js';

describe('fromPlain converts JavaScript values to Json', () => {
  it('turns numbers into JsonNumbers and keeps other scalars', () => {
    expect(fromPlain({ a: 1, b: -2.5, c: 'x', d: true, e: null })).toEqual({
      a: new JsonNumber('1'),
      b: new JsonNumber('-2.5'),
      c: 'x',
      d: true,
      e: null,
    });
  });

  it('keeps bigints exact', () => {
    expect(fromPlain(9007199254740993n)).toEqual(new JsonNumber('9007199254740993'));
  });

  it('treats undefined and non-finite numbers as JSON.stringify does', () => {
    expect(stringifyLossless(fromPlain({ a: undefined, b: [undefined, NaN, Infinity], c: 1e21 }))).toBe(
      '{"b":[null,null,null],"c":1e+21}',
    );
  });

  it('uses toJSON, so dates become ISO strings', () => {
    expect(fromPlain({ at: new Date('2024-01-02T03:04:05.678Z') })).toEqual({ at: '2024-01-02T03:04:05.678Z' });
  });

  it('passes JsonNumbers through unchanged', () => {
    const exact = new JsonNumber('123456789012345678901234567890');
    expect(fromPlain([exact])).toEqual([exact]);
  });

  it('keeps a "__proto__" key as data', () => {
    const plain = JSON.parse('{"__proto__":1}') as unknown;
    expect(stringifyLossless(fromPlain(plain))).toBe('{"__proto__":1}');
  });

  it('rejects functions, symbols and cycles with a clear error', () => {
    expect(() => fromPlain({ f: () => 1 })).toThrow('fromPlain: a function cannot be represented in JSON');
    expect(() => fromPlain(Symbol('s'))).toThrow('fromPlain: a symbol cannot be represented in JSON');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => fromPlain(cyclic)).toThrow('fromPlain: the value contains a cycle');
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(stringifyLossless(fromPlain([shared, shared]))).toBe('[{"x":1},{"x":1}]');
  });
});
