import { describe, expect, it } from 'vitest';
import { planStatement } from '../../../src/engine/statement.js';

describe('planStatement', () => {
  it('treats SELECT, VALUES, TABLE and parenthesized queries as row sets', () => {
    for (const sql of ['SELECT 1', 'values (1)', 'TABLE t', '(SELECT 1) UNION (SELECT 2)', 'select a from t where b in (select 1)']) {
      expect(planStatement(sql), sql).toEqual({ kind: 'query' });
    }
  });

  it('runs SELECT … INTO as a command, but not INTO inside a subquery or a literal', () => {
    expect(planStatement('SELECT a INTO newtab FROM t')).toEqual({ kind: 'command' });
    expect(planStatement(`SELECT 'into' AS "into" FROM t`)).toEqual({ kind: 'query' });
  });

  it('wraps DML with a top-level RETURNING', () => {
    expect(planStatement('INSERT INTO t VALUES (1) RETURNING id')).toEqual({ kind: 'returning' });
    expect(planStatement(`UPDATE t SET note = 'returning'`)).toEqual({ kind: 'command' });
    expect(planStatement('DELETE FROM t')).toEqual({ kind: 'command' });
  });

  it('splits a WITH statement after its CTE list, whatever the CTEs contain', () => {
    const sql = `WITH RECURSIVE a(x) AS (SELECT 1), b AS NOT MATERIALIZED (INSERT INTO t VALUES (')') RETURNING id) SELECT * FROM a, b`;
    expect(planStatement(sql)).toEqual({
      kind: 'with',
      ctes: `WITH RECURSIVE a(x) AS (SELECT 1), b AS NOT MATERIALIZED (INSERT INTO t VALUES (')') RETURNING id)`,
      main: 'SELECT * FROM a, b',
      mainReturnsRows: true,
    });
  });

  it('knows a WITH whose main statement returns nothing', () => {
    const plan = planStatement('WITH a AS (SELECT 1 AS x) UPDATE t SET y = 1 FROM a');
    expect(plan).toMatchObject({ kind: 'with', mainReturnsRows: false });
  });

  it('runs everything else as a command', () => {
    for (const sql of ['CREATE TABLE t (a int)', 'VACUUM', 'SHOW timezone', 'CALL p()', '']) {
      expect(planStatement(sql), sql).toEqual({ kind: 'command' });
    }
  });
});
