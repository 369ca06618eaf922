import { describe, expect, it } from 'vitest';
import { substituteRaw, substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

const ctx = context({
  batch: rowSet('{"v":"short"}'),
  batch_items: rowSet('{"v":"long"}'),
});

describe('$name references match whole names, longest first', () => {
  it('takes the longer name when one name prefixes another', () => {
    expect(substituteSql('SELECT $batch_items, $batch', ctx)).toBe("SELECT 'long', 'short'");
  });

  it('does not match a name followed by more word characters', () => {
    expect(substituteSql('SELECT $batchx, $batch_itemsx, $batch2, $batché', ctx)).toBe(
      'SELECT $batchx, $batch_itemsx, $batch2, $batché',
    );
  });

  it('leaves unknown names and positional parameters verbatim', () => {
    expect(substituteSql('SELECT $other, $1, $2::int, $, $ batch', ctx)).toBe(
      'SELECT $other, $1, $2::int, $, $ batch',
    );
  });

  it('matches names case-sensitively', () => {
    expect(substituteSql('SELECT $Batch', ctx)).toBe('SELECT $Batch');
  });

  it('does not substitute a $ that continues an identifier in SQL', () => {
    expect(substituteSql('SELECT a$batch, x_$batch, 1$batch', ctx)).toBe('SELECT a$batch, x_$batch, 1$batch');
  });

  it('does substitute after a word in raw text, where there are no identifiers', () => {
    expect(substituteRaw('id=$batch&next=x$batch_items', ctx)).toBe('id=short&next=xlong');
  });

  it('does not treat inherited object properties as result names', () => {
    expect(substituteSql('SELECT $constructor, $toString, $__proto__', ctx)).toBe(
      'SELECT $constructor, $toString, $__proto__',
    );
  });
});
