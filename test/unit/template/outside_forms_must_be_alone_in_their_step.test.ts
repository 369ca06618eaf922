import { describe, expect, it } from 'vitest';
import { STANDARD_STRINGS } from '../../../src/template/lexer.js';
import { outsideTransactionForm } from '../../../src/template/transaction-block.js';
import { TOGETHER } from './transaction_block_examples.js';

describe('an outside form among other statements is reported as not alone', () => {
  it.each(TOGETHER)('%s', (sql, form) => {
    expect(outsideTransactionForm(sql)).toEqual({ form, alone: false });
  });

  it('splits only at semicolons in code', () => {
    expect(outsideTransactionForm("SELECT 'a; VACUUM'; -- ; VACUUM\nSELECT $$;VACUUM$$")).toBeNull();
    expect(outsideTransactionForm("VACUUM t /* ; SELECT 1 */ -- ; SELECT 2\n; SELECT ';'")).toEqual({ form: 'VACUUM', alone: false });
  });

  it("follows the session's string settings", () => {
    const sql = "SELECT 'a\\'; VACUUM t; --'";
    expect(outsideTransactionForm(sql, STANDARD_STRINGS)).toEqual({ form: 'VACUUM', alone: false });
    expect(outsideTransactionForm(sql, { standardConformingStrings: false })).toBeNull();
  });
});
