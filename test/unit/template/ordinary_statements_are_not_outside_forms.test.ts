import { describe, expect, it } from 'vitest';
import { outsideTransactionForm } from '../../../src/template/transaction-block.js';
import { ORDINARY } from './transaction_block_examples.js';

describe('statements that run inside a transaction block are ordinary steps', () => {
  it.each(ORDINARY)('%s', (sql) => {
    expect(outsideTransactionForm(sql)).toBeNull();
  });

  it('treats empty text and comments alone as no statement', () => {
    expect(outsideTransactionForm('')).toBeNull();
    expect(outsideTransactionForm(' ; -- VACUUM\n;')).toBeNull();
  });

  it('counts no words of an unterminated string, identifier or comment', () => {
    expect(outsideTransactionForm("SELECT 'unterminated; VACUUM")).toBeNull();
    expect(outsideTransactionForm('SELECT "unterminated; VACUUM')).toBeNull();
    expect(outsideTransactionForm('SELECT 1 /* unterminated; VACUUM')).toBeNull();
  });
});
