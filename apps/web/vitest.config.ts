import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.reports/vitest.json' },
    // The drift test runs `shadcn build`, which takes a few seconds on a slow machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
