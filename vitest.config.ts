import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real gRPC servers, worker pools and CLI processes: forks isolate them best.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON summary lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]],
  },
});
