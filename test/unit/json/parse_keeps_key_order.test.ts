import { describe, expect, it } from 'vitest';
import { type JsonObject, jsonKeys, parseLossless, stringifyLossless } from '../../../src/json/lossless.js';

describe('parseLossless keeps key order', () => {
  it('keeps the written order of ordinary keys', () => {
    expect(jsonKeys(parseLossless('{"z":1,"a":2,"m":3}') as JsonObject)).toEqual(['z', 'a', 'm']);
  });

  it('keeps numeric-looking keys where they were written, unlike a plain JavaScript object', () => {
    const parsed = parseLossless('{"name":"x","2":"b","1":"a"}') as JsonObject;
    expect(Object.keys(parsed)).toEqual(['1', '2', 'name']);
    expect(jsonKeys(parsed)).toEqual(['name', '2', '1']);
    expect(stringifyLossless(parsed)).toBe('{"name":"x","2":"b","1":"a"}');
  });

  it('keeps a duplicated key at its first position', () => {
    const parsed = parseLossless('{"1":"first","a":0,"1":"last"}') as JsonObject;
    expect(jsonKeys(parsed)).toEqual(['1', 'a']);
    expect(parsed['1']).toBe('last');
  });

  it('does not expose the remembered order as a property', () => {
    const parsed = parseLossless('{"b":1,"0":2}') as JsonObject;
    expect(parsed).toEqual({ b: expect.anything(), 0: expect.anything() });
    expect(JSON.stringify(Object.keys(parsed))).toBe('["0","b"]');
  });
});
