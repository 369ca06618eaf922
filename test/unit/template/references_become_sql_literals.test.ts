import { describe, expect, it } from 'vitest';
import { substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

const sql = (template: string, firstRow: string): string => substituteSql(template, context({ r: rowSet(firstRow) }));

describe('$name becomes the first column of the first row as a SQL literal', () => {
  it('quotes a string with single quotes doubled', () => {
    expect(sql('SELECT $r', `{"v":"O'Brien"}`)).toBe("SELECT 'O''Brien'");
  });

  it('writes integers, exact int8 and numeric digits bare', () => {
    expect(sql('SELECT $r', '{"v":9223372036854775807}')).toBe('SELECT 9223372036854775807');
    expect(sql('SELECT $r', '{"v":3.14159265358979323846264338327950288}')).toBe(
      'SELECT 3.14159265358979323846264338327950288',
    );
    expect(sql('SELECT $r', '{"v":1.5e-7}')).toBe('SELECT 1.5e-7');
  });

  it('parenthesises a negative number so a preceding minus cannot make a comment', () => {
    expect(sql('SELECT 10-$r', '{"v":-5}')).toBe('SELECT 10-(-5)');
    expect(sql('SELECT $r::text', '{"v":-5}')).toBe('SELECT (-5)::text');
  });

  it('writes booleans bare', () => {
    expect(sql('SELECT $r AND NOT $r', '{"v":true}')).toBe('SELECT true AND NOT true');
    expect(sql('SELECT $r', '{"v":false}')).toBe('SELECT false');
  });

  it('writes objects and arrays as quoted JSON text with numbers exact', () => {
    expect(sql('SELECT $r::jsonb', `{"v":{"a":[1,"it's"],"big":12345678901234567890}}`)).toBe(
      `SELECT '{"a":[1,"it''s"],"big":12345678901234567890}'::jsonb`,
    );
    expect(sql('SELECT $r', '{"v":[]}')).toBe("SELECT '[]'");
  });

  it('uses the first column in the order the columns were returned', () => {
    expect(sql('SELECT $r', '{"z":"first","1":"numeric name","a":"third"}')).toBe("SELECT 'first'");
  });

  it('substitutes every occurrence and leaves the rest of the statement as written', () => {
    const ctx = context({ order_id: rowSet('{"id":42}'), customer: rowSet('{"name":"Ann"}') });
    expect(
      substituteSql('UPDATE orders SET owner = $customer WHERE id = $order_id OR parent = $order_id;', ctx),
    ).toBe("UPDATE orders SET owner = 'Ann' WHERE id = 42 OR parent = 42;");
  });

  it('substitutes next to punctuation and at the very start and end', () => {
    expect(sql('$r,($r),$r', '{"v":1}')).toBe('1,(1),1');
  });
});
