import { defineConfig } from 'vitest/config';

// `pnpm bench` measures; this test command only runs the size budgets (the timing rows never run as tests).
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.reports/vitest.json' },
    testTimeout: 120_000,
  },
});
