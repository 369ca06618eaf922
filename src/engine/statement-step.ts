// A SQL leaf whose statement PostgreSQL refuses inside a transaction block (spec
// outside-steps.md §5: VACUUM, CREATE INDEX CONCURRENTLY, …) cannot run in the step
// transaction, so it is dispatched to a statement runner with its resolved text. Everything
// else stays an ordinary exactly-once step (null here).
import type { StringSettings } from '../template/lexer.js';
import { outsideTransactionForm } from '../template/transaction-block.js';
import { dispatched, type Dispatch } from './dispatch.js';
import { failed, type Outcome } from './outcome.js';
import { singleStatement } from './sql-step.js';

/** `sql`: the step's statement with its templates filled in; `strings`: the session's string settings. */
export function outsideStatementStep(sql: string, strings: StringSettings): Dispatch | Outcome | null {
  const outside = outsideTransactionForm(sql, strings);
  if (outside === null) return null;
  if (!outside.alone) {
    // Several statements in one text run as one transaction block, where this one cannot.
    return failed(`${outside.form} cannot run in the same step as other statements: make it a step of its own`);
  }
  return dispatched('statement', JSON.stringify({ sql: singleStatement(sql, strings) }));
}
