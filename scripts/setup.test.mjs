/**
 * The set-up script end to end, as a child process, with Chromium and redis-server hidden: its PATH is only a
 * temporary directory of stand-ins (test-helpers/fake-bin.mjs), so apt-get, pnpm and friends are fakes that
 * record their arguments and nothing is installed. The script runs from a copy of scripts/ in a temporary
 * "repo", so even a pnpm that setup once put in .tools/ (which it puts first on PATH) stays out of the way.
 * Which user and platform the script takes itself for comes from REALTIME_KIT_SETUP_FACTS: a test can change
 * PATH, not its uid or its OS.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeBin } from './test-helpers/fake-bin.mjs';
import { PNPM_VERSION, ROOT } from './lib/toolchain.mjs';

const repo = mkdtempSync(path.join(os.tmpdir(), 'setup-test-repo-'));
cpSync(path.join(ROOT, 'scripts'), path.join(repo, 'scripts'), { recursive: true });
const { packageManager, engines } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
writeFileSync(
  path.join(repo, 'package.json'),
  JSON.stringify({ name: 'setup-test', type: 'module', packageManager, engines }),
);
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const SUMMARY = '0 passed, 1 failed';

/**
 * Runs `node scripts/setup.mjs <flags>` in the copy with only `commands` on PATH.
 * @param {{ commands: string[], flags?: string[], facts?: object, env?: Record<string, string> }} options
 */
function setup({ commands, flags = ['--for-tests'], facts = { isRoot: true, platform: 'linux' }, env = {} }) {
  const fake = fakeBin(commands);
  // A clean environment: no CHROMIUM_PATH or PATH of this machine's leaks in.
  const child = spawn(process.execPath, [path.join(repo, 'scripts', 'setup.mjs'), ...flags], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
    env: {
      PATH: fake.bin,
      HOME: os.tmpdir(),
      FAKE_LOG: fake.log,
      FAKE_PNPM_VERSION: PNPM_VERSION,
      REALTIME_KIT_SETUP_FACTS: JSON.stringify(facts),
      ...env,
    },
  });
  let out = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on('close', (status) => {
      const calls = fake.calls();
      fake.remove();
      const stdout = out.trimEnd().split('\n');
      resolve({ status, stdout, stderr, last: stdout.at(-1), calls, bin: fake.bin });
    });
  });
}

const aptCalls = (run) => run.calls.filter((call) => call.name === 'apt-get');
const ran = (run, name) => run.calls.some((call) => call.name === name);

describe.concurrent('setup.mjs --for-tests with Chromium and redis-server missing', () => {
  it('as root with apt-get: says what and why, installs both non-interactively, then carries on', async () => {
    const run = await setup({ commands: ['apt-get', 'pnpm'] });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const apt = aptCalls(run);
    expect(apt.map((call) => call.args[0])).toEqual(['update', 'install']);
    expect(apt[1].args).toEqual(expect.arrayContaining(['-y', '--no-install-recommends']));
    expect(apt[1].args.slice(-2)).toEqual(['chromium', 'redis-server']);
    expect(apt.every((call) => call.DEBIAN_FRONTEND === 'noninteractive')).toBe(true);
    const out = run.stdout.join('\n');
    expect(out).toContain('npm test needs Chromium (the Storybook and cross-tab tests run in it) and redis-server');
    expect(out).toContain('Running as root with apt-get, so installing chromium redis-server now');
    expect(out).toContain('setup: installed chromium redis-server in');
    expect(out).toContain(
      `setup: Chromium: ${path.join(run.bin, 'chromium')}; redis-server: ${path.join(run.bin, 'redis-server')}`,
    );
    // Then pnpm and the packages, as before.
    expect(run.calls.filter((call) => call.name === 'pnpm').map((call) => call.args)).toContainEqual([
      'install',
      '--frozen-lockfile',
    ]);
    expect(run.last).toMatch(/^setup: ready: node /);
    expect(ran(run, 'sudo')).toBe(false);
  });

  it('as root, only the missing one', async () => {
    const run = await setup({ commands: ['apt-get', 'pnpm', 'chromium'] });
    expect(run.status).toBe(0);
    expect(aptCalls(run)[1].args.at(-1)).toBe('redis-server');
    expect(aptCalls(run)[1].args).not.toContain('chromium');
  });

  it('as root, apt-get failing: the exact command to run by hand and the summary line', async () => {
    const run = await setup({ commands: ['apt-get', 'pnpm'], env: { FAKE_APT_EXIT: '100' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('apt-get update failed (exit 100)');
    expect(run.stderr).toContain('apt-get update && apt-get install -y chromium redis-server');
    expect(run.stderr).toContain('CHROMIUM_PATH');
    expect(run.last).toBe(SUMMARY);
    expect(ran(run, 'pnpm')).toBe(false);
  });

  it('not root, apt-get: stops at once with the sudo command, runs no apt-get and no pnpm', async () => {
    const run = await setup({ commands: ['apt-get', 'sudo', 'pnpm'], facts: { isRoot: false, platform: 'linux' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Not running as root, so not installing them without asking');
    expect(run.stderr).toContain('sudo apt-get update && sudo apt-get install -y chromium redis-server');
    expect(run.stderr).toContain('CHROMIUM_PATH');
    expect(run.last).toBe(SUMMARY);
    expect(run.calls).toEqual([]);
  });

  it('dnf: the dnf command', async () => {
    const run = await setup({ commands: ['dnf', 'sudo', 'pnpm'], facts: { isRoot: false, platform: 'linux' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('sudo dnf install -y chromium redis');
    expect(run.last).toBe(SUMMARY);
    expect(run.calls).toEqual([]);
  });

  it('macOS with Homebrew: the brew commands and CHROMIUM_PATH', async () => {
    const run = await setup({ commands: ['brew', 'pnpm'], facts: { isRoot: false, platform: 'darwin' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('brew install redis');
    expect(run.stderr).toContain('brew install --cask chromium');
    expect(run.stderr).toContain('export CHROMIUM_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"');
    expect(run.last).toBe(SUMMARY);
    expect(run.calls).toEqual([]);
  });

  it('no package manager it knows: what to install and CHROMIUM_PATH', async () => {
    const run = await setup({ commands: ['pnpm'] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no apt-get, dnf or Homebrew on PATH');
    expect(run.stderr).toContain('export CHROMIUM_PATH=');
    expect(run.last).toBe(SUMMARY);
  });

  it('--need-chromium, the old flag, behaves the same', async () => {
    const run = await setup({
      commands: ['apt-get', 'pnpm'],
      flags: ['--need-chromium'],
      facts: { isRoot: false, platform: 'linux' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('sudo apt-get update && sudo apt-get install -y chromium redis-server');
    expect(run.last).toBe(SUMMARY);
  });

  it('a CHROMIUM_PATH that points nowhere: stops, installs nothing even as root', async () => {
    const run = await setup({
      commands: ['apt-get', 'pnpm', 'redis-server'],
      env: { CHROMIUM_PATH: '/nonexistent/chrome' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('CHROMIUM_PATH is set to "/nonexistent/chrome"');
    expect(run.last).toBe(SUMMARY);
    expect(run.calls).toEqual([]);
  });
});

describe.concurrent('setup.mjs when nothing is missing, or not for the tests', () => {
  it('--for-tests with both on PATH: no install', async () => {
    const run = await setup({ commands: ['apt-get', 'pnpm', 'chromium', 'redis-server'] });
    expect(run.status).toBe(0);
    expect(aptCalls(run)).toEqual([]);
    expect(run.stdout.join('\n')).not.toContain('installing');
    expect(run.last).toMatch(/^setup: ready: /);
  });

  it('Chromium from CHROMIUM_PATH counts, wherever it is', async () => {
    const run = await setup({
      commands: ['apt-get', 'pnpm', 'redis-server'],
      env: { CHROMIUM_PATH: process.execPath },
    });
    expect(run.status).toBe(0);
    expect(aptCalls(run)).toEqual([]);
    expect(run.stdout.join('\n')).toContain(`setup: Chromium: ${process.execPath};`);
  });

  it('without --for-tests (npm run dev): neither is checked', async () => {
    const run = await setup({ commands: ['apt-get', 'pnpm'], flags: [] });
    expect(run.status).toBe(0);
    expect(aptCalls(run)).toEqual([]);
    expect(run.stdout.join('\n')).not.toContain('Chromium');
  });
});
