#!/usr/bin/env node
/**
 * Gets a fresh machine (Node ≥ 20.19 and npm, nothing else) ready for `npm run dev` / `npm test`:
 *   1. checks the Node version;
 *   2. makes sure pnpm is exactly the version in package.json#packageManager: `npm i -g pnpm@<v>`, or, when a
 *      global install is not possible, a local one in .tools/pnpm (the other scripts put it on PATH);
 *   3. `pnpm install --frozen-lockfile` (about a second when nothing changed);
 *   4. with --need-chromium (the test command): checks that Chromium is there for the browser tests.
 *
 * Usage: node scripts/setup.mjs [--need-chromium]
 * On failure it exits 1 with one message saying what to do. With --need-chromium it then also prints the
 * test summary line (`0 passed, 1 failed`), so the test command always ends with one.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { childEnv, chromiumPath, LOCAL_PNPM_DIR, MIN_NODE, PNPM_VERSION, pnpmVersion, ROOT, since } from './lib/toolchain.mjs';

const { values } = parseArgs({ options: { 'need-chromium': { type: 'boolean', default: false } } });
const needChromium = values['need-chromium'];
const started = performance.now();

function fail(message) {
  console.error(`\nsetup: ${message}`);
  if (needChromium) console.log('0 passed, 1 failed');
  process.exit(1);
}

function log(message) {
  console.log(`setup: ${message}`);
}

// 1. Node
const current = process.versions.node.split('.').map(Number);
const tooOld = current[0] !== MIN_NODE[0] ? current[0] < MIN_NODE[0] : current[1] !== MIN_NODE[1] ? current[1] < MIN_NODE[1] : current[2] < MIN_NODE[2];
if (tooOld) fail(`Node ${process.versions.node} is too old: this repo needs Node >= ${MIN_NODE.join('.')}.`);

// 2. pnpm
let pnpm = pnpmVersion();
if (pnpm !== PNPM_VERSION) {
  log(`pnpm is ${pnpm ? `at ${pnpm}` : 'missing'}; installing pnpm@${PNPM_VERSION} with npm...`);
  const npmArgs = ['--no-audit', '--no-fund', '--loglevel=error', `pnpm@${PNPM_VERSION}`];
  const global = spawnSync('npm', ['install', '--global', ...npmArgs], { stdio: 'inherit', env: childEnv(), timeout: 300_000 });
  pnpm = global.status === 0 ? pnpmVersion() : null;
  if (pnpm !== PNPM_VERSION) {
    // No write access to the global prefix, or another pnpm earlier on PATH: install it next to the repo.
    log(`global install ${global.status === 0 ? `left pnpm at ${pnpm ?? 'nothing'} on PATH` : 'failed'}; installing into ${LOCAL_PNPM_DIR}`);
    mkdirSync(LOCAL_PNPM_DIR, { recursive: true });
    const local = spawnSync('npm', ['install', '--prefix', LOCAL_PNPM_DIR, '--no-save', ...npmArgs], {
      stdio: 'inherit',
      env: childEnv(),
      timeout: 300_000,
    });
    pnpm = local.status === 0 ? pnpmVersion() : null;
  }
  if (pnpm !== PNPM_VERSION) {
    fail(`could not get pnpm ${PNPM_VERSION} (found ${pnpm ?? 'none'}). Install it yourself: npm install --global pnpm@${PNPM_VERSION}`);
  }
}

// 3. dependencies
const installStart = performance.now();
const install = spawnSync('pnpm', ['install', '--frozen-lockfile'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: childEnv({ CI: process.env.CI ?? 'true' }), // no prompts, no TTY progress bars
  timeout: 900_000,
});
if (install.status !== 0) {
  fail(
    install.error
      ? `pnpm install failed: ${install.error.message}`
      : 'pnpm install --frozen-lockfile failed (see above). If pnpm-lock.yaml is out of date, run `pnpm install` and commit the lockfile.',
  );
}
log(`dependencies installed in ${since(installStart)}`);

// 4. Chromium, for the browser tests only
if (needChromium) {
  const chromium = chromiumPath();
  try {
    accessSync(chromium, constants.X_OK);
  } catch {
    fail(
      `Chromium not found at ${chromium}: the Storybook tests run in it.\n` +
        '       On Debian/Ubuntu: apt-get update && apt-get install -y chromium\n' +
        '       Or point CHROMIUM_PATH at an existing Chromium or Chrome binary.',
    );
  }
  // The server kit's tests start a real redis-server on a loopback port (two instances, Redis dying mid-run).
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    fail(
      'redis-server not found: the server tests start a real one on 127.0.0.1.\n' +
        '       On Debian/Ubuntu: apt-get update && apt-get install -y redis-server (it need not run as a service).',
    );
  }
}

log(`ready: node ${process.versions.node}, pnpm ${pnpm} (${since(started)})`);
