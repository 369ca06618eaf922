import { describe, expect, it } from 'vitest';
import { type Json, JsonNumber, parseLossless, stringifyLossless } from '../../../src/json/lossless.js';

describe('stringifyLossless writes compact, exact JSON', () => {
  it('writes every kind of value without whitespace', () => {
    const value: Json = { s: 'x', n: new JsonNumber('1.0'), t: true, f: false, z: null, a: [[], {}] };
    expect(stringifyLossless(value)).toBe('{"s":"x","n":1.0,"t":true,"f":false,"z":null,"a":[[],{}]}');
  });

  it('escapes strings as JSON does, including quotes, backslashes and control characters', () => {
    expect(stringifyLossless('a"b\\c\nd\u0001é')).toBe('"a\\"b\\\\c\\nd\\u0001é"');
  });

  it('refuses a JsonNumber whose text is not a JSON number', () => {
    expect(() => stringifyLossless([new JsonNumber('1); DROP TABLE x; --')])).toThrow(
      'not a JSON number: "1); DROP TABLE x; --"',
    );
    expect(() => stringifyLossless(new JsonNumber('NaN'))).toThrow(TypeError);
  });

  it('gives back text that parses to an equal value', () => {
    const text = '{"rows":[{"k":"v\\u0000","n":[1,{"x":-1.5e10}]}],"row_count":1}';
    expect(parseLossless(stringifyLossless(parseLossless(text)))).toEqual(parseLossless(text));
  });
});
