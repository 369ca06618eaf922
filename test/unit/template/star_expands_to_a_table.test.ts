import { describe, expect, it } from 'vitest';
import { SubstitutionError, substituteRaw, substituteSql } from '../../../src/template/substitute.js';
import { context, rowSet } from './context.js';

describe('$name.* expands the row set to a table expression', () => {
  it('writes every row as VALUES with the column names from the first row', () => {
    const ctx = context({ batch: rowSet('{"id":1,"title":"a"}', '{"id":-2,"title":null}') });
    expect(substituteSql('SELECT * FROM $batch.* WHERE true', ctx)).toBe(
      `SELECT * FROM (VALUES (1,'a'),((-2),NULL)) AS "batch"("id","title") WHERE true`,
    );
  });

  it('keeps the column order of the result, even for numeric column names', () => {
    const ctx = context({ r: rowSet('{"b":1,"2":2,"1":3}') });
    expect(substituteSql('SELECT * FROM $r.*', ctx)).toBe('SELECT * FROM (VALUES (1,2,3)) AS "r"("b","2","1")');
  });

  it('quotes column names, doubling double quotes', () => {
    const ctx = context({ r: rowSet('{"we\\"ird":1,"Mixed Case":2}') });
    expect(substituteSql('SELECT * FROM $r.*', ctx)).toBe('SELECT * FROM (VALUES (1,2)) AS "r"("we""ird","Mixed Case")');
  });

  it('quotes hostile values like any other literal', () => {
    const ctx = context({ r: rowSet(`{"v":"'); DROP TABLE x; --","w":{"k":"a\\\\b"}}`) });
    expect(substituteSql('SELECT * FROM $r.*', ctx)).toBe(
      `SELECT * FROM (VALUES ('''); DROP TABLE x; --',E'{"k":"a\\\\\\\\b"}')) AS "r"("v","w")`,
    );
  });

  it('gives NULL where a later row lacks a column of the first row', () => {
    const ctx = context({ r: rowSet('{"a":1,"b":2}', '{"a":3}') });
    expect(substituteSql('SELECT * FROM $r.*', ctx)).toBe('SELECT * FROM (VALUES (1,2),(3,NULL)) AS "r"("a","b")');
  });

  it('gives a zero-row table that is valid in FROM for an empty result', () => {
    expect(substituteSql('SELECT count(*) FROM $r.*', context({ r: rowSet() }))).toBe(
      'SELECT count(*) FROM (SELECT WHERE false) AS "r"',
    );
  });

  it('expands 10,000 rows and refuses 10,001', () => {
    const rows = (n: number): string[] => Array.from({ length: n }, (_, i) => `{"i":${i}}`);
    const ok = substituteSql('$r.*', context({ r: rowSet(...rows(10_000)) }));
    expect(ok.startsWith('(VALUES (0),(1),')).toBe(true);
    expect(ok.endsWith(',(9999)) AS "r"("i")')).toBe(true);
    expect(() => substituteSql('$r.*', context({ r: rowSet(...rows(10_001)) }))).toThrow(
      new SubstitutionError(
        '$r.* has 10001 rows, more than the 10000 that can be expanded; aggregate or LIMIT in the step that produces it',
      ),
    );
  });

  it('refuses a result that is not a row set', () => {
    expect(() => substituteSql('SELECT * FROM $j.*', context({ j: '[1,2]' }))).toThrow(
      new SubstitutionError('$j.* needs the result of a SQL step, but $j holds an array'),
    );
    expect(() => substituteSql('SELECT * FROM $s.*', context({ s: '{"slept":true}' }))).toThrow(
      '$s.* needs the result of a SQL step, but $s holds an object without "rows"',
    );
  });

  it('refuses rows without columns', () => {
    expect(() => substituteSql('SELECT * FROM $r.*', context({ r: rowSet('{}') }))).toThrow(
      new SubstitutionError('$r.* has no columns to expand'),
    );
  });

  it('gives the JSON array of rows in raw text', () => {
    const ctx = context({ r: rowSet('{"id":12345678901234567890,"s":"x"}', '{"id":2,"s":null}') });
    expect(substituteRaw('{"items":$r.*}', ctx)).toBe('{"items":[{"id":12345678901234567890,"s":"x"},{"id":2,"s":null}]}');
  });
});
