import { describe, expect, it } from 'vitest';
import { JsonNumber, parseLossless, stringifyLossless } from '../../../src/json/lossless.js';

describe('parseLossless keeps numbers exact', () => {
  it('keeps an int8 beyond 2^53 digit for digit', () => {
    const parsed = parseLossless('{"id":9223372036854775807}') as { id: JsonNumber };
    expect(parsed.id).toBeInstanceOf(JsonNumber);
    expect(parsed.id.text).toBe('9223372036854775807');
  });

  it('keeps every digit of a numeric value', () => {
    const text = '123456789012345678901234567890.123456789012345678901234567890';
    expect(parseLossless(text)).toEqual(new JsonNumber(text));
  });

  it('keeps the source spelling of negative, zero, fractional and exponent numbers', () => {
    const parsed = parseLossless('[-0, 0, 1.50, -2.5E-3, 1e400, 7e+2]') as JsonNumber[];
    expect(parsed.map((n) => n.text)).toEqual(['-0', '0', '1.50', '-2.5E-3', '1e400', '7e+2']);
  });

  it('writes numbers back exactly as they were read', () => {
    const text = '{"big":9007199254740993,"exact":0.10000000000000000000001,"list":[1e400,-0]}';
    expect(stringifyLossless(parseLossless(text))).toBe(text);
  });
});
