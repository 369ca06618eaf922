import { describe, expect, it } from 'vitest';
import { retry, seq, sleep, waitForSignal } from '../../../src/graph/builders.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });

describe('df.sleep(seconds bigint)', () => {
  it('takes integer literals, signed or not, and whole-number strings as int8in reads them', () => {
    expect(read('df.sleep(5)')).toBe(sleep(5));
    expect(read('df.sleep(+5)')).toBe(sleep(5));
    expect(read('df.sleep(-0)')).toBe(sleep(0));
    expect(read('df.sleep(0005)')).toBe(sleep(5));
    expect(read("df.sleep(' +7 ')")).toBe(sleep(7));
    expect(read('df.sleep(2147483648)')).toBe(sleep(2147483648));
  });

  it('refuses decimals as PostgreSQL finds no df.sleep(numeric)', () => {
    expect(() => read('df.sleep(1.5)')).toThrow(
      'Cannot explain input: argument seconds of df.sleep must be bigint, got numeric 1.5 at position 10',
    );
    expect(() => read('df.sleep(1e3)')).toThrow('must be bigint, got numeric 1000');
    expect(() => read('df.sleep(9223372036854775808)')).toThrow('must be bigint, got numeric 9223372036854775808');
  });

  it('refuses strings that are not whole numbers, and text-typed values', () => {
    expect(() => read("df.sleep('5.0')")).toThrow('Cannot explain input: invalid input syntax for type bigint: "5.0" at position 10');
    expect(() => read("df.sleep('5'::text)")).toThrow('argument seconds of df.sleep must be bigint, got text 5');
  });

  it('passes the exact digits of a bigint, as plv8 hands the builder a BigInt', () => {
    expect(() => read('df.sleep(9007199254740993)')).toThrow('9007199254740993');
  });

  it('lets a cast round a decimal half away from zero', () => {
    expect(read('df.sleep(5.5::int)')).toBe(sleep(6));
    expect(read('df.sleep(2.4999::bigint)')).toBe(sleep(2));
    expect(read("df.sleep('5'::int)")).toBe(sleep(5));
  });
});

describe('integer and numeric parameters', () => {
  it('take integer for wait_for_signal timeout_seconds but not bigint or numeric', () => {
    expect(read("df.wait_for_signal('go', '7')")).toBe(waitForSignal('go', 7));
    expect(() => read("df.wait_for_signal('go', 3000000000)")).toThrow('must be integer, got bigint 3000000000');
    expect(() => read("df.wait_for_signal('go', 2.0)")).toThrow('must be integer, got numeric 2.0');
  });

  it('widen integers to numeric and read numeric strings with numeric_in', () => {
    expect(read("df.retry('f', 3, 2, '2.50', 1e2)")).toBe(retry('f', 3, 2, 2.5, 100));
    expect(read("df.retry('f', 3, ' 1e 1 ')")).toBe(retry('f', 3, 10));
  });

  it('pass numeric to the builder as the nearest double, as plv8 does', () => {
    expect(read("df.retry('f', 3, 0.1, 1.1, 0.30000000000000004)")).toBe(retry('f', 3, 0.1, 1.1, 0.30000000000000004));
  });

  it('refuses a decimal max_attempts', () => {
    expect(() => read("df.retry('f', 3.0)")).toThrow('argument max_attempts of df.retry must be integer, got numeric 3.0');
  });
});

describe('numbers cast to text keep their SQL spelling', () => {
  it.each([
    ['5::text', '5'],
    ['0005::text', '5'],
    ['1.50::text', '1.50'],
    ['1e3::text', '1000'],
    ['00.100e1::text', '1.00'],
    ['1.23e-2::text', '0.0123'],
    ['.5::text', '0.5'],
    ['5.::text', '5'],
    ['(-0.0)::text', '0.0'],
    ['(-2.5)::int::text', '-3'],
    ["'NaN'::numeric::text", 'NaN'],
    ["'-inf'::numeric::text", '-Infinity'],
    ["' 12 '::int::text", '12'],
  ])('%s is %s', (number, text) => {
    expect(read(`${number} ~> 'x'`)).toBe(seq(text, 'x'));
  });

  it('binds a cast before the minus, as PostgreSQL does', () => {
    expect(() => read("-5::text ~> 'x'")).toThrow('Cannot explain input: operator does not exist: - text at position 1');
  });

  it.each([
    ['2147483648::int', 'integer out of range'],
    ['9223372036854775808::bigint', 'bigint out of range'],
    ["'NaN'::numeric::int", 'cannot convert NaN to integer'],
    ["'x'::int", 'invalid input syntax for type integer: "x"'],
    ["'.'::numeric", 'invalid input syntax for type numeric: "."'],
    ['1e131072', 'value overflows numeric format'],
    ['0e-20000', 'value overflows numeric format'],
  ])('rejects %s with %s', (number, message) => {
    expect(() => read(`df.sleep(${number})`)).toThrow(message);
  });

  it('refuses numbers as operands of the workflow operators', () => {
    expect(() => read("5 ~> 'a'")).toThrow('the left operand of operator ~> must be text, got integer 5 at position 1');
  });
});
