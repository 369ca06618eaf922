import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'plv8compat/test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files each use their own scratch database; two cores, so two at a time.
    maxWorkers: 2,
    // The JSON report feeds scripts/test-summary.mjs (the plain closing line for CI).
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
