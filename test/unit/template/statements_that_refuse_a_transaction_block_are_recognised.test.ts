import { describe, expect, it } from 'vitest';
import { outsideTransactionForm } from '../../../src/template/transaction-block.js';
import { OUTSIDE } from './transaction_block_examples.js';

describe('statements PostgreSQL refuses inside a transaction block are recognised', () => {
  it.each(OUTSIDE)('%s', (sql, form) => {
    expect(outsideTransactionForm(sql)).toEqual({ form, alone: true });
  });

  it('ignores trailing semicolons, empty statements and comments after the statement', () => {
    expect(outsideTransactionForm('VACUUM t;;  ;')).toEqual({ form: 'VACUUM', alone: true });
    expect(outsideTransactionForm('VACUUM t;\n-- done\n; /* really */')).toEqual({ form: 'VACUUM', alone: true });
    expect(outsideTransactionForm(';VACUUM t')).toEqual({ form: 'VACUUM', alone: true });
  });

  it('reads option names as PostgreSQL folds them and values as its booleans', () => {
    const create = (options: string) => outsideTransactionForm(`CREATE SUBSCRIPTION s CONNECTION '' PUBLICATION p WITH (${options})`);
    expect(create('"create_slot" = $$false$$')).toBeNull();
    expect(create('create_slot = 0')).toBeNull();
    expect(create('Create_Slot = FALSE')).toBeNull();
    expect(create('"Create_Slot" = false')).not.toBeNull(); // not the create_slot option
    expect(create('create_slot = maybe')).not.toBeNull(); // not a boolean: PostgreSQL rejects it
    expect(create('connect = false, create_slot = true')).not.toBeNull(); // PostgreSQL rejects it
  });
});
