import { describe, expect, it } from 'vitest';
import { substituteRaw } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

const ctx = context({
  item: rowSet(`{"id":9007199254740993,"name":"O'Brien & co","ok":true,"meta":{"a":[1]},"gone":null}`),
  empty: rowSet(),
});

describe('raw contexts (URL, body, headers, break value) get values unquoted', () => {
  it('inserts strings as they are, numbers as their exact text, booleans and JSON as text', () => {
    expect(substituteRaw('/items/$item/x=$item.name&ok=$item.ok&m=$item.meta', ctx)).toBe(
      `/items/9007199254740993/x=O'Brien & co&ok=true&m={"a":[1]}`,
    );
  });

  it('reads a ? right after a reference as the null-safe mark, even in a URL', () => {
    expect(substituteRaw('/items/$item?x=1 /items/$item/?x=1', ctx)).toBe(
      '/items/9007199254740993x=1 /items/9007199254740993/?x=1',
    );
  });

  it('substitutes inside quotes, since raw text is not SQL', () => {
    expect(substituteRaw(`{"id": "$item", "note": '$item.name' /* $item */}`, ctx)).toBe(
      `{"id": "9007199254740993", "note": 'O'Brien & co' /* 9007199254740993 */}`,
    );
  });

  it('writes NULL for a null-safe reference to no rows or a NULL value', () => {
    expect(substituteRaw('[$empty?][$item.gone?]', ctx)).toBe('[NULL][NULL]');
  });

  it('fails on no rows or NULL without ?', () => {
    expect(() => substituteRaw('$empty', ctx)).toThrow('$empty has no rows');
    expect(() => substituteRaw('$item.gone', ctx)).toThrow('$item.gone is NULL');
  });

  it('treats ANY( as ordinary text', () => {
    expect(substituteRaw('ANY($item)', ctx)).toBe('ANY(9007199254740993)');
  });

  it('leaves unknown names and positional-looking text verbatim', () => {
    expect(substituteRaw('cost: $5, $other, $itemx', ctx)).toBe('cost: $5, $other, $itemx');
  });
});
