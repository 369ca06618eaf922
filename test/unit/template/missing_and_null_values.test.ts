import { describe, expect, it } from 'vitest';
import { SubstitutionError, substituteRaw, substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

const ctx = context({
  empty: rowSet(),
  nulls: rowSet('{"v":null,"w":2}'),
  sig: '{"signal_name":"go","timed_out":true,"data":null}',
  pair: '[1,2]',
  nothing: 'null',
  upd: '{"rows":[],"row_count":17}',
});

describe('missing and NULL values fail the node unless the reference is null-safe', () => {
  it('fails on a result with no rows, naming the reference', () => {
    expect(() => substituteSql('SELECT $empty', ctx)).toThrow(
      new SubstitutionError('$empty has no rows (write $empty? to substitute NULL instead)'),
    );
    expect(() => substituteSql('SELECT $empty.v', ctx)).toThrow('$empty has no rows');
  });

  it('fails on a NULL value, naming the column when one was written', () => {
    expect(() => substituteSql('SELECT $nulls', ctx)).toThrow(
      new SubstitutionError('$nulls is NULL (write $nulls? to substitute NULL instead)'),
    );
    expect(() => substituteRaw('$nulls.v', ctx)).toThrow('$nulls.v is NULL (write $nulls.v? to substitute NULL instead)');
  });

  it('gives NULL for no rows or a NULL value when the reference ends in ?', () => {
    expect(substituteSql('SELECT $empty?, $empty.v?, $nulls?, $nulls.v?, $nulls.w?', ctx)).toBe(
      'SELECT NULL, NULL, NULL, NULL, 2',
    );
    expect(substituteRaw('$empty? $nulls.v?', ctx)).toBe('NULL NULL');
  });

  it('fails on a column the rows do not have, even null-safe, listing the columns', () => {
    const message = '$nulls has no column "x"; its columns are "v", "w"';
    expect(() => substituteSql('SELECT $nulls.x', ctx)).toThrow(new SubstitutionError(message));
    expect(() => substituteSql('SELECT $nulls.x?', ctx)).toThrow(new SubstitutionError(message));
  });

  it('fails on rows without columns', () => {
    const noColumns = context({ r: rowSet('{}') });
    expect(() => substituteSql('SELECT $r', noColumns)).toThrow(new SubstitutionError('$r has no columns'));
  });

  it('treats a missing field of a non-row-set object as absent', () => {
    expect(() => substituteSql('SELECT $sig.payload', ctx)).toThrow(
      new SubstitutionError(
        '$sig has no field "payload"; its fields are "signal_name", "timed_out", "data" ' +
          '(write $sig.payload? to substitute NULL instead)',
      ),
    );
    expect(substituteSql('SELECT $sig.payload?', ctx)).toBe('SELECT NULL');
  });

  it('treats a NULL field of a non-row-set object like a NULL column', () => {
    expect(() => substituteSql('SELECT $sig.data', ctx)).toThrow('$sig.data is NULL');
    expect(substituteSql('SELECT $sig.data?', ctx)).toBe('SELECT NULL');
  });

  it('explains that a field cannot be read from an array', () => {
    expect(() => substituteSql('SELECT $pair.x', ctx)).toThrow(
      '$pair has no field "x": it holds an array, not an object',
    );
    expect(substituteSql('SELECT $pair.x?', ctx)).toBe('SELECT NULL');
  });

  it('treats a result that is JSON null as NULL', () => {
    expect(() => substituteSql('SELECT $nothing', ctx)).toThrow('$nothing is NULL');
    expect(substituteSql('SELECT $nothing?', ctx)).toBe('SELECT NULL');
  });

  it('gives the affected row count of a DML step as $name.row_count', () => {
    expect(substituteSql('SELECT $upd.row_count', ctx)).toBe('SELECT 17');
  });

  it('prefers a real row_count column over the affected row count', () => {
    const withColumn = context({ r: '{"rows":[{"row_count":"column"}],"row_count":1}' });
    expect(substituteSql('SELECT $r.row_count', withColumn)).toBe("SELECT 'column'");
  });

  it('fails on a row that is not an object, naming its position', () => {
    const odd = context({ r: '{"rows":[{"a":1},2],"row_count":2}' });
    expect(() => substituteSql('SELECT * FROM $r.*', odd)).toThrow(
      new SubstitutionError('$r row 2 is a number, not a row object'),
    );
    expect(() => substituteSql('SELECT 1 = ANY($r)', odd)).toThrow('$r row 2 is a number, not a row object');
  });
});
