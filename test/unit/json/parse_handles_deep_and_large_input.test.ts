import { describe, expect, it } from 'vitest';
import { JsonNumber, parseLossless, stringifyLossless } from '../../../src/json/lossless.js';

function nestedArrays(depth: number): string {
  return '['.repeat(depth) + '1' + ']'.repeat(depth);
}

describe('parseLossless handles deep and large input', () => {
  it('round-trips 300 levels of mixed arrays and objects', () => {
    const text = '[{"a":'.repeat(150) + 'null' + '}]'.repeat(150);
    expect(stringifyLossless(parseLossless(text))).toBe(text);
  });

  it('parses nesting far deeper than the JavaScript call stack allows', () => {
    let value = parseLossless(nestedArrays(100_000));
    let depth = 0;
    while (Array.isArray(value)) {
      value = value[0];
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(value).toEqual(new JsonNumber('1'));
  });

  it('parses a 3.5 MB result of 100,000 rows within a few seconds', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `{"id":${i},"name":"row \\"${i}\\""}`);
    const text = `{"rows":[${rows.join(',')}],"row_count":100000}`;
    const started = Date.now();
    const parsed = parseLossless(text) as { rows: Array<{ id: JsonNumber; name: string }> };
    expect(Date.now() - started).toBeLessThan(5000);
    expect(parsed.rows).toHaveLength(100_000);
    expect(parsed.rows[99_999]).toEqual({ id: new JsonNumber('99999'), name: 'row "99999"' });
  });

  it('parses one long string with many escapes in linear time', () => {
    const text = JSON.stringify('a\\"\n'.repeat(500_000));
    const started = Date.now();
    expect(parseLossless(text)).toBe('a\\"\n'.repeat(500_000));
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
