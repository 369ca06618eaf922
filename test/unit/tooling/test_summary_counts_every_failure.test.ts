import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { summary } from '../../../scripts/test-summary.mjs';

const file = (status: string, tests: string[]) => ({ status, message: '', name: 'f', assertionResults: tests.map((s) => ({ status: s })) });
const report = (files: ReturnType<typeof file>[], counts: { passed: number; failed: number; pending?: number }) =>
  JSON.stringify({ numPassedTests: counts.passed, numFailedTests: counts.failed, numPendingTests: counts.pending ?? 0, numTodoTests: 0, testResults: files });

describe('the closing test summary line', () => {
  it('gives vitest\'s counts', () => {
    expect(summary(report([file('passed', ['passed', 'passed']), file('failed', ['passed', 'failed'])], { passed: 3, failed: 1 })))
      .toBe('tests: 3 passed, 1 failed, 0 skipped');
  });

  it('counts a file that fails outside its tests (an import, a hook) as a failure', () => {
    expect(summary(report([file('passed', ['passed']), file('failed', ['skipped', 'skipped']), file('failed', [])], { passed: 1, failed: 0, pending: 2 })))
      .toBe('tests: 1 passed, 2 failed, 2 skipped');
  });

  it('counts a missing or broken report as a failure', () => {
    expect(summary('')).toBe('tests: 0 passed, 1 failed, 0 skipped');
    expect(summary('{"numPassedTests":')).toBe('tests: 0 passed, 1 failed, 0 skipped');
  });
});
