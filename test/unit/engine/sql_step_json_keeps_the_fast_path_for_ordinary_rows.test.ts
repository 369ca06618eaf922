// The SQL a step's row set runs in: each row's JSON comes from row_to_json, and only a row
// whose text holds `NaN"` or `Infinity"` goes to df._non_finite_as_null (spec section 7).
// The results themselves: test/sql/nodes/sql_steps_turn_non_finite_numbers_into_null.test.ts.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/engine/db.js';
import { runSqlStep } from '../../../src/engine/sql-step.js';
import { STANDARD_STRINGS } from '../../../src/template/lexer.js';

/** The SQL text runSqlStep hands to the database for `statement`. */
function sqlOf(statement: string): string {
  const sent: string[] = [];
  const db = {
    execute(sql: string) {
      sent.push(sql);
      return [{ r: '{"rows":[],"row_count":0}', bytes: 25, reached: 0, counted: 0 }];
    },
  } as unknown as Db;
  runSqlStep(db, statement, { maxResultBytes: 1000 }, STANDARD_STRINGS);
  expect(sent).toHaveLength(1);
  return sent[0];
}

const ROWS_JSON = (from: string) => `(SELECT CASE WHEN pg_catalog.strpos(j, 'NaN"') OPERATOR(pg_catalog.<>) 0 OR pg_catalog.strpos(j, 'Infinity"') OPERATOR(pg_catalog.<>) 0 THEN df._non_finite_as_null(w, j) ELSE j END AS j
        FROM (SELECT w, pg_catalog.row_to_json(w)::pg_catalog.text AS j
          FROM (SELECT "pg_durable step row" AS w FROM ${from} OFFSET 0) AS whole OFFSET 0) AS rendered OFFSET 0) AS j`;

describe('a step row set', () => {
  it('builds each row once and calls df._non_finite_as_null only for rows holding NaN" or Infinity"', () => {
    expect(sqlOf('SELECT 1 AS a')).toContain(ROWS_JSON('(SELECT 1 AS a\n) "pg_durable step row"'));
  });

  it('does the same for DML with RETURNING and for WITH … SELECT', () => {
    expect(sqlOf('INSERT INTO t VALUES (1) RETURNING *')).toContain(ROWS_JSON('"pg_durable step row"'));
    expect(sqlOf('WITH x AS (SELECT 1 AS a) SELECT a FROM x')).toContain(ROWS_JSON('"pg_durable step row"'));
  });

  it('names nothing outside pg_catalog and df', () => {
    const sql = sqlOf('SELECT 1 AS a');
    // Every function call and operator is qualified (coalesce is syntax, not a function).
    const calls = [...sql.matchAll(/([\w.]+)\s*\(/g)].map((m) => m[1]).filter((n) => !/^(pg_catalog|df)\./.test(n));
    expect(calls.filter((n) => !['coalesce', 'FROM', 'OVER', 'FILTER', 'OPERATOR'].includes(n))).toEqual([]);
    expect(sql).not.toMatch(/[^)]\s(<>|=|\|\||>|<=|\+)\s/);
  });
});
