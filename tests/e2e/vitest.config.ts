import { defineConfig } from 'vitest/config';

// The install test drives npm, Next and a local registry: minutes, not milliseconds. Every child process has
// its own, tighter timeout (see lib/process.ts); these are the outer bounds.
export default defineConfig({
  test: {
    include: ['*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 5 * 60_000,
    teardownTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.reports/vitest.json' },
  },
});
