import { describe, expect, it } from 'vitest';
import { STANDARD_STRINGS } from '../../../src/template/lexer.js';
import { outsideStatementStep } from '../../../src/engine/statement-step.js';

describe('a SQL step whose statement cannot run in a transaction block', () => {
  it('is dispatched as a statement, its text without trailing semicolons', () => {
    expect(outsideStatementStep('VACUUM (ANALYZE) t;  -- done\n', STANDARD_STRINGS)).toEqual({
      kind: 'dispatch',
      work: 'statement',
      request: '{"sql":"VACUUM (ANALYZE) t"}',
    });
    expect(outsideStatementStep('create unique index concurrently i on t (a)', STANDARD_STRINGS)).toMatchObject({ work: 'statement' });
  });

  it('among other statements fails the node, naming the form', () => {
    expect(outsideStatementStep('SELECT 1; DROP INDEX CONCURRENTLY i', STANDARD_STRINGS)).toEqual({
      kind: 'failed',
      error: 'DROP INDEX CONCURRENTLY cannot run in the same step as other statements: make it a step of its own',
    });
  });

  it('is not recognised in literals, identifiers and comments: those steps stay ordinary', () => {
    for (const sql of [`SELECT 'VACUUM'`, `SELECT 1 AS "VACUUM"`, `-- VACUUM\nSELECT 1`, `SELECT $$CLUSTER$$`, 'CLUSTER t USING i']) {
      expect(outsideStatementStep(sql, STANDARD_STRINGS), sql).toBeNull();
    }
  });
});
