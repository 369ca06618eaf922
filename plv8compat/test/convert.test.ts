// Argument and return conversion between PostgreSQL types and JavaScript values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { compatIt, one, plv8Scratch, sqlError, type Scratch } from './helpers.js';

let s: Scratch;
let c: pg.Client;

beforeAll(async () => {
  s = await plv8Scratch('convert');
  c = await s.admin();
  // typeof and value of the argument as seen by JavaScript.
  for (const t of ['bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid', 'text', 'varchar',
    'json', 'jsonb', 'date', 'timestamp', 'timestamptz', 'bytea', 'int4[]', 'text[]', 'uuid', 'interval']) {
    const name = `seen_${t.replace('[]', '_arr')}`;
    await c.query(`create function ${name}(v ${t}) returns text language plv8 as $$
      var kind = v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Date ? 'date'
        : v instanceof Uint8Array ? 'bytes' : typeof v;
      var shown = kind === 'date' ? v.toISOString() : kind === 'bytes' ? Array.from(v).join(',')
        : kind === 'bigint' ? v.toString() : JSON.stringify(v);
      return kind + ' ' + shown $$`);
  }
});
afterAll(async () => {
  await s?.drop();
});

const seen = (t: string, literal: string) =>
  one<string>(c, `select seen_${t.replace('[]', '_arr')}(${literal}::${t})`);

describe('arguments', () => {
  it('bool is a boolean', async () => expect(await seen('bool', 'true')).toBe('boolean true'));
  it('int2, int4, float4, float8, oid are numbers', async () => {
    expect(await seen('int2', '-7')).toBe('number -7');
    expect(await seen('int4', '2147483647')).toBe('number 2147483647');
    expect(await seen('float4', '1.5')).toBe('number 1.5');
    expect(await seen('float8', '0.1')).toBe('number 0.1');
    expect(await seen('oid', '4000000000')).toBe('number 4000000000');
  });
  it('numeric is a number (losing digits beyond a double)', async () => {
    expect(await seen('numeric', '12.25')).toBe('number 12.25');
    expect(await seen('numeric', '12345678901234567890.123')).toBe('number 12345678901234567000');
  });
  it('int8 is a BigInt and cannot be mixed with numbers', async () => {
    expect(await seen('int8', '9007199254740993')).toBe('bigint 9007199254740993');
    await c.query(`create function c_mix(v int8) returns int8 language plv8 as $$ return v + 1 $$`);
    expect((await sqlError(c.query('select c_mix(1)'))).message).toMatch(/Cannot mix BigInt and other types/);
  });
  it('text and varchar are strings', async () => {
    expect(await seen('text', `'héllo'`)).toBe('string "héllo"');
    expect(await seen('varchar', `'v'`)).toBe('string "v"');
  });
  it('json and jsonb are parsed values', async () => {
    expect(await seen('json', `'{"a":[1,true,null]}'`)).toBe('object {"a":[1,true,null]}');
    expect(await seen('jsonb', `'"str"'`)).toBe('string "str"');
    expect(await seen('jsonb', `'3'`)).toBe('number 3');
  });
  compatIt('timestamp and date are read as UTC here (a listed difference)', 'date, timestamp and timestamptz are Dates with millisecond precision', async () => {
    expect(await seen('date', `'2024-02-29'`)).toBe('date 2024-02-29T00:00:00.000Z');
    expect(await seen('timestamp', `'2024-01-02 03:04:05.678'`)).toBe('date 2024-01-02T03:04:05.678Z');
    expect(await seen('timestamptz', `'2024-01-02 03:04:05.6789+02'`)).toBe('date 2024-01-02T01:04:05.678Z');
  });
  it('bytea is a Uint8Array', async () => expect(await seen('bytea', `'\\x00ff10'`)).toBe('bytes 0,255,16'));
  it('arrays are JS arrays with element conversion', async () => {
    expect(await seen('int4[]', `'{1,null,3}'`)).toBe('array [1,null,3]');
    expect(await seen('text[]', `'{a,"b c"}'`)).toBe('array ["a","b c"]');
  });
  it('types without a mapping are strings from their text output', async () => {
    expect(await seen('uuid', `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'`)).toBe('string "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"');
    expect(await seen('interval', `'1 day'`)).toBe('string "1 day"');
  });
  it('SQL NULL is null', async () => expect(await seen('text', 'null')).toBe('null null'));
  it('composite rows are objects', async () => {
    await c.query('create type c_pair as (a int, b text)');
    await c.query(`create function c_row(p c_pair) returns text language plv8 as $$ return JSON.stringify(p) $$`);
    expect(await one(c, `select c_row(row(1, 'x')::c_pair)`)).toBe('{"a":1,"b":"x"}');
  });
});

async function returning(type: string, body: string): Promise<unknown> {
  const name = `r_${Math.random().toString(36).slice(2, 10)}`;
  await c.query(`create function ${name}() returns ${type} language plv8 as $$ ${body} $$`);
  return one(c, `select ${name}()::text`);
}

describe('return values', () => {
  it('bool: a boolean, and 0 gives false', async () => {
    expect(await returning('bool', 'return true')).toBe('true');
    expect(await returning('bool', 'return 0')).toBe('false');
  });
  it('int8 accepts a Number or a BigInt', async () => {
    expect(await returning('int8', 'return 1700000000000')).toBe('1700000000000');
    expect(await returning('int8', 'return 9007199254740993n')).toBe('9007199254740993');
  });
  compatIt('real plv8 wraps int2 silently', 'integers out of range are an error', async () => {
    const name = 'r_int2_big';
    await c.query(`create function ${name}() returns int2 language plv8 as $$ return 70000 $$`);
    expect((await sqlError(c.query(`select ${name}()`))).message).toMatch(/out of range/);
  });
  it('numeric and float from numbers', async () => {
    expect(await returning('numeric', 'return 0.1')).toBe('0.1');
    expect(await returning('float8', 'return 1/3')).toBe('0.3333333333333333');
  });
  it('text is String(value)', async () => {
    expect(await returning('text', 'return 42')).toBe('42');
    expect(await returning('text', 'return {toString() { return "custom" }}')).toBe('custom');
  });
  it('other types go through their input function', async () => {
    expect(await returning('uuid', `return 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'`)).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    await c.query(`create function r_bad_uuid() returns uuid language plv8 as $$ return 'nope' $$`);
    const e = await sqlError(c.query('select r_bad_uuid()'));
    expect(e.message).toMatch(/invalid input syntax for type uuid/);
  });
  it('json and jsonb serialise any value', async () => {
    expect(await returning('jsonb', 'return {a: [1, "x", null], b: {c: true}}')).toBe('{"a": [1, "x", null], "b": {"c": true}}');
    expect(await returning('jsonb', 'return "scalar"')).toBe('"scalar"');
    expect(await returning('json', 'return [1,2]')).toBe('[1,2]');
  });
  it('Dates become date, timestamp and timestamptz', async () => {
    await c.query(`set timezone = 'UTC'`);
    expect(await returning('timestamptz', `return new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))`)).toBe('2024-01-02 03:04:05.678+00');
    expect(await returning('timestamp', `return new Date(Date.UTC(2024, 0, 2, 3, 4, 5))`)).toBe('2024-01-02 03:04:05');
    expect(await returning('date', `return new Date(Date.UTC(2024, 1, 29))`)).toBe('2024-02-29');
    expect(await returning('timestamptz', `return '2024-05-06 07:08:09+00'`)).toBe('2024-05-06 07:08:09+00');
  });
  it('bytea from Uint8Array, ArrayBuffer or an array of numbers', async () => {
    expect(await returning('bytea', 'return new Uint8Array([1, 2, 255])')).toBe('\\x0102ff');
    expect(await returning('bytea', 'return new Uint8Array([9, 8]).buffer')).toBe('\\x0908');
    expect(await returning('bytea', 'return [0, 16]')).toBe('\\x0010');
  });
  it('arrays element-wise', async () => {
    expect(await returning('int[]', 'return [1, null, 3]')).toBe('{1,NULL,3}');
    expect(await returning('text[]', `return ['a', 'b c']`)).toBe('{a,"b c"}');
    expect(await returning('jsonb[]', `return [{a: 1}]`)).toBe('{"{\\"a\\": 1}"}');
  });
  it('null and undefined return SQL NULL', async () => {
    expect(await returning('text', 'return null')).toBeNull();
    expect(await returning('int', 'return undefined')).toBeNull();
    expect(await returning('jsonb', '')).toBeNull();
  });
  it('composite return from an object', async () => {
    expect(await returning('c_pair', `return {a: 5, b: 'five'}`)).toBe('(5,five)');
  });
  compatIt('real plv8 truncates at the NUL', 'a string with a NUL character is an error, not a crash', async () => {
    await c.query(`create function r_nul() returns text language plv8 as $$ return 'a\\u0000b' $$`);
    expect((await sqlError(c.query('select r_nul()'))).message).toMatch(/NUL character/);
    expect(await one(c, 'select 1')).toBe(1);
  });
});
