/**
 * .ci/run's one promise: whatever the test command does, the last line printed is `N passed, N failed`. Run
 * with a stand-in `npm` first on PATH (test-helpers/fake-bin.mjs) that prints and exits as told, so no real
 * test run happens; the rest of PATH is the system's, for bash and coreutils.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeBin } from './test-helpers/fake-bin.mjs';
import { ROOT } from './lib/toolchain.mjs';

const CI_RUN = path.join(ROOT, '.ci', 'run');

/** Runs .ci/run with a fake npm; resolves with its exit status, output lines and the npm calls. */
function ciRun(env) {
  const fake = fakeBin(['npm']);
  const child = spawn(CI_RUN, [], {
    env: {
      PATH: `${fake.bin}${path.delimiter}${process.env.PATH}`,
      HOME: process.env.HOME ?? '/tmp',
      FAKE_LOG: fake.log,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on('close', (status) => {
      const calls = fake.calls();
      fake.remove();
      const lines = stdout.trimEnd().split('\n');
      resolve({ status, lines, last: lines.at(-1), stderr, calls });
    });
  });
}

describe.runIf(process.platform !== 'win32').concurrent('.ci/run', () => {
  it('runs the README test command, npm test, and passes its summary and status through', async () => {
    const run = await ciRun({ FAKE_NPM_OUTPUT: 'setup: ready\n12 passed, 0 failed\n' });
    expect(run.calls.map((call) => call.args)).toEqual([['test']]);
    expect(run.status).toBe(0);
    expect(run.last).toBe('12 passed, 0 failed');
    expect(run.lines.filter((line) => line === '12 passed, 0 failed')).toHaveLength(1);
  });

  it('repeats the summary when npm prints error lines after it (setup failed)', async () => {
    const run = await ciRun({
      FAKE_NPM_OUTPUT: 'setup: Chromium missing\n0 passed, 1 failed\nnpm error Lifecycle script `test` failed\n',
      FAKE_NPM_EXIT: '1',
    });
    expect(run.status).toBe(1);
    expect(run.last).toBe('0 passed, 1 failed');
  });

  it('prints 0 passed, 1 failed when the command printed no summary, even if it exited 0', async () => {
    const crashed = await ciRun({ FAKE_NPM_OUTPUT: 'Segmentation fault\n', FAKE_NPM_EXIT: '139' });
    expect(crashed.status).toBe(139);
    expect(crashed.last).toBe('0 passed, 1 failed');
    const silent = await ciRun({ FAKE_NPM_EXIT: '0' });
    expect(silent.status).toBe(1);
    expect(silent.last).toBe('0 passed, 1 failed');
  });

  it('stops the command at CI_TIMEOUT and still ends with the summary line', async () => {
    const run = await ciRun({
      FAKE_NPM_OUTPUT: 'test-all: turbo run ...\n',
      FAKE_NPM_SLEEP_MS: '30000',
      CI_TIMEOUT: '1',
    });
    expect(run.status).toBe(124);
    expect(run.last).toBe('0 passed, 1 failed');
  });
});
