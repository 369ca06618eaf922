// Prints vitest's totals as one plain line ("tests: N passed, N failed, N skipped"), the
// closing line CI looks for, from the JSON report vitest.config.ts asks for.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? '.vitest-results.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
