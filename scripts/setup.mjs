#!/usr/bin/env node
/**
 * Gets a fresh machine (Node ≥ 20.19 and npm, nothing else) ready for `npm run dev` / `npm test`:
 *   1. checks the Node version;
 *   2. with --for-tests (the test command): the system packages the tests need, Chromium and redis-server.
 *      When one is missing it installs it with apt-get if that needs nobody's permission (running as root with
 *      apt-get: containers, fresh VMs, CI); anywhere else it stops with the exact command for that system
 *      (scripts/lib/system-deps.mjs decides which). This comes before pnpm so that it stops at once, not after
 *      minutes of installing packages;
 *   3. makes sure pnpm is exactly the version in package.json#packageManager: `npm i -g pnpm@<v>`, or, when a
 *      global install is not possible, a local one in .tools/pnpm (the other scripts put it on PATH);
 *   4. `pnpm install --frozen-lockfile` (about a second when nothing changed).
 *
 * Usage: node scripts/setup.mjs [--for-tests]      (--need-chromium is the old name of --for-tests)
 * On failure it exits 1 with one message saying what to do. With --for-tests it then also prints the test
 * summary line (`0 passed, 1 failed`), so the test command always ends with one.
 *
 * Env: CHROMIUM_PATH, a Chromium or Chrome binary (else chromium, chromium-browser or google-chrome on PATH).
 * REALTIME_KIT_SETUP_FACTS, e.g. '{"isRoot":false,"platform":"darwin"}', makes the script take this machine
 * for another one; it exists for the script's own test (scripts/setup.test.mjs), which can change PATH but
 * not its user or platform.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { planSystemDeps, MANAGERS } from './lib/system-deps.mjs';
import {
  childEnv,
  findChromium,
  findOnPath,
  LOCAL_PNPM_DIR,
  MIN_NODE,
  PNPM_VERSION,
  pnpmVersion,
  ROOT,
  since,
} from './lib/toolchain.mjs';

const { values } = parseArgs({
  options: { 'for-tests': { type: 'boolean', default: false }, 'need-chromium': { type: 'boolean', default: false } },
});
const forTests = values['for-tests'] || values['need-chromium'];
const started = performance.now();

function fail(message) {
  console.error(`\nsetup: ${message.split('\n').join('\n       ')}`);
  if (forTests) console.log('0 passed, 1 failed');
  process.exit(1);
}

function log(message) {
  console.log(`setup: ${message}`);
}

// 1. Node
const current = process.versions.node.split('.').map(Number);
const tooOld =
  current[0] !== MIN_NODE[0]
    ? current[0] < MIN_NODE[0]
    : current[1] !== MIN_NODE[1]
      ? current[1] < MIN_NODE[1]
      : current[2] < MIN_NODE[2];
if (tooOld) fail(`Node ${process.versions.node} is too old: this repo needs Node >= ${MIN_NODE.join('.')}.`);

// 2. Chromium and redis-server, for the tests only
if (forTests) systemPackages();

// 3. pnpm
let pnpm = pnpmVersion();
if (pnpm !== PNPM_VERSION) {
  log(`pnpm is ${pnpm ? `at ${pnpm}` : 'missing'}; installing pnpm@${PNPM_VERSION} with npm...`);
  const npmArgs = ['--no-audit', '--no-fund', '--loglevel=error', `pnpm@${PNPM_VERSION}`];
  const global = spawnSync('npm', ['install', '--global', ...npmArgs], {
    stdio: 'inherit',
    env: childEnv(),
    timeout: 300_000,
  });
  pnpm = global.status === 0 ? pnpmVersion() : null;
  if (pnpm !== PNPM_VERSION) {
    // No write access to the global prefix, or another pnpm earlier on PATH: install it next to the repo.
    log(
      `global install ${global.status === 0 ? `left pnpm at ${pnpm ?? 'nothing'} on PATH` : 'failed'}; installing into ${LOCAL_PNPM_DIR}`,
    );
    mkdirSync(LOCAL_PNPM_DIR, { recursive: true });
    const local = spawnSync('npm', ['install', '--prefix', LOCAL_PNPM_DIR, '--no-save', ...npmArgs], {
      stdio: 'inherit',
      env: childEnv(),
      timeout: 300_000,
    });
    pnpm = local.status === 0 ? pnpmVersion() : null;
  }
  if (pnpm !== PNPM_VERSION) {
    fail(
      `could not get pnpm ${PNPM_VERSION} (found ${pnpm ?? 'none'}). Install it yourself: npm install --global pnpm@${PNPM_VERSION}`,
    );
  }
}

// 4. dependencies
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

log(`ready: node ${process.versions.node}, pnpm ${pnpm} (${since(started)})`);

// ---------------------------------------------------------------------------------------------------------

/** What this machine is, as system-deps.mjs needs it. */
function systemFacts() {
  let override = {};
  if (process.env.REALTIME_KIT_SETUP_FACTS) {
    try {
      override = JSON.parse(process.env.REALTIME_KIT_SETUP_FACTS);
    } catch {
      fail(`REALTIME_KIT_SETUP_FACTS is not JSON: ${process.env.REALTIME_KIT_SETUP_FACTS}`);
    }
  }
  const platform = override.platform ?? process.platform;
  return {
    isRoot: override.isRoot ?? process.getuid?.() === 0,
    platform,
    managers: MANAGERS.filter((manager) => findOnPath(manager)),
    chromiumPathEnv: process.env.CHROMIUM_PATH || undefined,
    chromium: findChromium(process.env, platform),
    redisServer: findOnPath('redis-server'),
  };
}

/** Checks Chromium and redis-server, installs them when the plan says so, and stops when it cannot. */
function systemPackages() {
  const facts = systemFacts();
  const plan = planSystemDeps(facts);
  if (plan.action === 'stop') fail(plan.message);
  if (plan.action === 'install') {
    const installStart = performance.now();
    for (const line of plan.announce.split('\n')) log(line);
    for (const step of plan.steps) {
      log(
        `$ ${Object.entries(plan.env)
          .map(([key, value]) => `${key}=${value} `)
          .join('')}${[step.command, ...step.args].join(' ')}`,
      );
      // No stdin: apt must never wait for an answer; its own output goes straight through so progress shows.
      const result = spawnSync(step.command, step.args, {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, ...plan.env },
        timeout: step.timeoutMs,
      });
      if (result.status !== 0) {
        const how =
          result.error?.code === 'ETIMEDOUT'
            ? `did not finish within ${step.timeoutMs / 60_000} min (stopped)`
            : result.error
              ? `could not run: ${result.error.message}`
              : `failed (${result.signal ? `killed by ${result.signal}` : `exit ${result.status}`})`;
        fail(`${step.command} ${step.args[0]} ${how}.\n${plan.help}`);
      }
    }
    // apt-get can succeed and still leave the binary elsewhere (another distribution's package layout).
    const after = systemFacts();
    const still = planSystemDeps(after);
    if (still.action !== 'none') {
      fail(
        `apt-get installed ${plan.packages.join(' ')}, but ${still.missing.join(' and ')} is still not found on PATH.\n${plan.help}`,
      );
    }
    log(`installed ${plan.packages.join(' ')} in ${since(installStart)}`);
    Object.assign(facts, after);
  }
  log(`Chromium: ${facts.chromium}; redis-server: ${facts.redisServer}`);
}
