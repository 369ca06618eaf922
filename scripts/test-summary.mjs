// Prints vitest's totals as one plain line ("tests: N passed, N failed, N skipped"), the
// closing line CI looks for, from the JSON report vitest.config.ts asks for. A test file that
// fails outside any test (an import, a hook) counts as one failure, and so does a missing or
// unreadable report: the line never says 0 failed when something failed.
import { readFileSync } from 'node:fs';

export function summary(reportText) {
  let report;
  try {
    report = JSON.parse(reportText);
  } catch {
    return 'tests: 0 passed, 1 failed, 0 skipped';
  }
  const filesFailedOutsideTests = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  const skipped = report.numPendingTests + report.numTodoTests;
  return `tests: ${report.numPassedTests} passed, ${report.numFailedTests + filesFailedOutsideTests} failed, ${skipped} skipped`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let text = '';
  try {
    text = readFileSync(process.argv[2] ?? '.vitest-results.json', 'utf8');
  } catch {
    // no report: vitest itself failed
  }
  console.log(summary(text));
}
