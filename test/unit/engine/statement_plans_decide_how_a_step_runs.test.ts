import { describe, expect, it } from 'vitest';
import { planStatement } from '../../../src/engine/statement.js';
import { StepSqlError, singleStatement } from '../../../src/engine/sql-step.js';
import { STANDARD_STRINGS } from '../../../src/template/lexer.js';

/** Planned under PostgreSQL's default string settings. */
const plan = (sql: string) => planStatement(sql, STANDARD_STRINGS);

describe('planStatement', () => {
  it('treats SELECT, VALUES, TABLE and parenthesized queries as row sets', () => {
    for (const sql of ['SELECT 1', 'values (1)', 'TABLE t', '(SELECT 1) UNION (SELECT 2)', 'select a from t where b in (select 1)']) {
      expect(plan(sql), sql).toEqual({ kind: 'query' });
    }
  });

  it('runs SELECT … INTO as a command, but not INTO inside a subquery or a literal', () => {
    expect(plan('SELECT a INTO newtab FROM t')).toEqual({ kind: 'command' });
    expect(plan(`SELECT 'into' AS "into" FROM t`)).toEqual({ kind: 'query' });
  });

  it('wraps DML with a top-level RETURNING', () => {
    expect(plan('INSERT INTO t VALUES (1) RETURNING id')).toEqual({ kind: 'returning' });
    expect(plan(`UPDATE t SET note = 'returning'`)).toEqual({ kind: 'command' });
    expect(plan('DELETE FROM t')).toEqual({ kind: 'command' });
  });

  it('splits a WITH statement after its CTE list, whatever the CTEs contain', () => {
    const sql = `WITH RECURSIVE a(x) AS (SELECT 1), b AS NOT MATERIALIZED (INSERT INTO t VALUES (')') RETURNING id) SELECT * FROM a, b`;
    expect(plan(sql)).toEqual({
      kind: 'with',
      ctes: `WITH RECURSIVE a(x) AS (SELECT 1), b AS NOT MATERIALIZED (INSERT INTO t VALUES (')') RETURNING id)`,
      main: 'SELECT * FROM a, b',
      mainReturnsRows: true,
    });
  });

  it('knows a WITH whose main statement returns nothing', () => {
    const planned = plan('WITH a AS (SELECT 1 AS x) UPDATE t SET y = 1 FROM a');
    expect(planned).toMatchObject({ kind: 'with', mainReturnsRows: false });
  });

  it('runs everything else as a command', () => {
    for (const sql of ['CREATE TABLE t (a int)', 'VACUUM', 'SHOW timezone', 'CALL p()', '']) {
      expect(plan(sql), sql).toEqual({ kind: 'command' });
    }
  });

  it('reads literals as the session does when standard_conforming_strings is off', () => {
    const sql = `SELECT 'a\\' INTO t ' AS v FROM s`;
    expect(planStatement(sql, { standardConformingStrings: true })).toEqual({ kind: 'command' });
    expect(planStatement(sql, { standardConformingStrings: false })).toEqual({ kind: 'query' });
  });
});

describe('singleStatement', () => {
  it('finds the statements the session would parse, whatever standard_conforming_strings is', () => {
    const sql = `SELECT 'a\\'; DROP TABLE t; --';`;
    expect(() => singleStatement(sql, { standardConformingStrings: true })).toThrow(
      new StepSqlError('a step is one SQL statement: split it into several steps with ~>'),
    );
    expect(singleStatement(sql, { standardConformingStrings: false })).toBe(`SELECT 'a\\'; DROP TABLE t; --'`);
  });
});
