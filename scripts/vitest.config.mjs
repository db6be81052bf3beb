import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The tests of the repo's own scripts (the set-up script's branches, .ci/run's summary line). A root turbo task
// (`//#test-scripts`), so test-all.mjs counts them from .reports/scripts.json like every other test task.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['scripts/**/*.test.mjs'],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.reports/scripts.json' },
  },
});
