import { describe, expect, it } from 'vitest';
import { JsonParseError, parseLossless } from '../../../src/json/lossless.js';

function parseError(text: string): JsonParseError {
  try {
    parseLossless(text);
  } catch (error) {
    if (error instanceof JsonParseError) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseLossless reports malformed input with its position', () => {
  it.each([
    ['', 0, 'expected a value but found end of input'],
    ['   ', 3, 'expected a value but found end of input'],
    ['{"a":1,}', 7, 'expected a string key but found character "}"'],
    ['[1,]', 3, 'expected a value but found character "]"'],
    ['[1,2', 4, "expected ',' or ']' but found end of input"],
    ['{"a":1 "b":2}', 7, 'expected \',\' or \'}\' but found character "\\""'],
    ['{"a" 1}', 5, 'expected \':\' but found character "1"'],
    ['{a:1}', 1, 'expected a string key but found character "a"'],
    ['"abc', 0, 'unterminated string'],
    ['"a\nb"', 2, 'control character U+000a in string'],
    ['"\\x"', 1, 'invalid escape character "x"'],
    ['"\\u12G4"', 1, '\\u must be followed by four hex digits'],
    ['01', 1, 'unexpected character "1" after the JSON value'],
    ['[1] x', 4, 'unexpected character "x" after the JSON value'],
    ['nul', 0, 'expected a value but found character "n"'],
    ['+1', 0, 'expected a value but found character "+"'],
    ['1.', 1, 'unexpected character "." after the JSON value'],
  ])('rejects %j at position %i: %s', (text, position, reason) => {
    const error = parseError(text);
    expect(error.position).toBe(position);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`Invalid JSON at position ${position}: ${reason}`);
  });
});
