import { describe, expect, it } from 'vitest';
import { substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

const ctx = context({
  batch: rowSet('{"id":1,"name":"a b"}', '{"id":2,"name":"c\\"d"}', '{"id":3,"name":null}'),
  uuids: rowSet(
    '{"id":"00000000-0000-4000-8000-000000000001"}',
    '{"id":"00000000-0000-4000-8000-000000000002"}',
  ),
  empty: rowSet(),
  lists: rowSet('{"ids":[1,2,3]}'),
  sig: '{"data":[4,5],"one":6,"none":null}',
});

describe('$name as the argument of ANY(...) or ALL(...) expands to an array of all rows', () => {
  it('expands the canonical example to an untyped array literal', () => {
    expect(substituteSql('UPDATE documents SET processed = true WHERE id = ANY($batch)', ctx)).toBe(
      "UPDATE documents SET processed = true WHERE id = ANY('{1,2,3}')",
    );
  });

  it('quotes every string element, so uuids and text compare as their own type', () => {
    expect(substituteSql('SELECT * FROM t WHERE uuid_col = ANY($uuids)', ctx)).toBe(
      `SELECT * FROM t WHERE uuid_col = ANY('{"00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002"}')`,
    );
  });

  it('escapes quotes in elements and keeps NULL elements, in an E-literal when a backslash appears', () => {
    expect(substituteSql('SELECT name = ANY($batch.name)', ctx)).toBe(`SELECT name = ANY(E'{"a b","c\\\\"d",NULL}')`);
  });

  it('accepts any case, whitespace, ALL and SOME', () => {
    expect(substituteSql('x = any ( $batch ) AND y <> ALL(\n\t$batch) AND z = Some($batch)', ctx)).toBe(
      "x = any ( '{1,2,3}' ) AND y <> ALL(\n\t'{1,2,3}') AND z = Some('{1,2,3}')",
    );
  });

  it('gives an empty array for an empty result, even without ?', () => {
    expect(substituteSql('SELECT 1 WHERE 1 = ANY($empty)', ctx)).toBe("SELECT 1 WHERE 1 = ANY('{}')");
  });

  it('keeps casts written after the reference', () => {
    expect(substituteSql('WHERE id = ANY($batch::bigint[])', ctx)).toBe("WHERE id = ANY('{1,2,3}'::bigint[])");
  });

  it('turns a column holding arrays into a multidimensional array literal', () => {
    expect(substituteSql('WHERE id = ANY($lists)', ctx)).toBe("WHERE id = ANY('{{1,2,3}}')");
  });

  it('uses the elements of a JSON array field of a non-row-set result', () => {
    expect(substituteSql('WHERE id = ANY($sig.data) OR id = ANY($sig.one)', ctx)).toBe(
      "WHERE id = ANY('{4,5}') OR id = ANY('{6}')",
    );
  });

  it('gives NULL for a null-safe reference to a NULL field, and fails without ?', () => {
    expect(substituteSql('WHERE id = ANY($sig.none?)', ctx)).toBe('WHERE id = ANY(NULL)');
    expect(() => substituteSql('WHERE id = ANY($sig.none)', ctx)).toThrow('$sig.none is NULL');
  });

  it('writes objects as quoted JSON elements', () => {
    const objects = context({ r: rowSet('{"doc":{"a":1}}', `{"doc":{"b":"it's"}}`) });
    expect(substituteSql('WHERE doc = ANY($r)', objects)).toBe(
      `WHERE doc = ANY(E'{"{\\\\"a\\\\":1}","{\\\\"b\\\\":\\\\"it''s\\\\"}"}')`,
    );
  });

  it('keeps the string "NULL" distinct from a NULL element', () => {
    const words = context({ r: rowSet('{"w":"NULL"}', '{"w":null}') });
    expect(substituteSql('WHERE w = ANY($r)', words)).toBe(`WHERE w = ANY('{"NULL",NULL}')`);
  });

  it('does not treat a function whose name ends in "any" as ANY', () => {
    expect(substituteSql('SELECT company($batch), my_any($batch), "any"($batch)', ctx)).toBe(
      `SELECT company(1), my_any(1), "any"(1)`,
    );
  });

  it('uses only the first row outside ANY(...)', () => {
    expect(substituteSql('SELECT $batch, ARRAY[$batch], ANY_VALUE($batch)', ctx)).toBe(
      'SELECT 1, ARRAY[1], ANY_VALUE(1)',
    );
  });
});
