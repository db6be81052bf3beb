/**
 * Shared by scripts/setup.mjs, start.mjs and test-all.mjs: where the repo is, which pnpm it wants, the
 * environment every child process gets (telemetry off, a locally installed pnpm on PATH), and how commands and
 * Chromium are found.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_NAMES, MAC_CHROMIUM } from './system-deps.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const rootPackage = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** `packageManager: "pnpm@x.y.z"` in the root package.json. */
export const PNPM_VERSION = /^pnpm@(\d+\.\d+\.\d+)/.exec(rootPackage.packageManager ?? '')?.[1] ?? '10.34.9';

/** `engines.node` (">=20.19") as [major, minor, patch]. */
export const MIN_NODE = (/(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(rootPackage.engines?.node ?? '>=20.19') ?? [])
  .slice(1)
  .map((part) => Number(part ?? 0));

/** Where setup.mjs puts pnpm when a global `npm i -g` is not possible. */
export const LOCAL_PNPM_DIR = path.join(ROOT, '.tools', 'pnpm');
const LOCAL_PNPM_BIN = path.join(LOCAL_PNPM_DIR, 'node_modules', '.bin');

const TELEMETRY_OFF = {
  TURBO_TELEMETRY_DISABLED: '1',
  STORYBOOK_DISABLE_TELEMETRY: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

/** process.env plus telemetry off, plus the local pnpm (if setup installed one) first on PATH. */
export function childEnv(extra = {}) {
  const env = { ...process.env, ...TELEMETRY_OFF, ...extra };
  if (existsSync(LOCAL_PNPM_BIN)) env.PATH = `${LOCAL_PNPM_BIN}${path.delimiter}${env.PATH ?? ''}`;
  return env;
}

/** `pnpm --version` as seen with childEnv(), or null when pnpm is not runnable. */
export function pnpmVersion(env = childEnv()) {
  const result = spawnSync('pnpm', ['--version'], { env, encoding: 'utf8', timeout: 60_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** `name` as the shell would find it on env.PATH (with PATHEXT on Windows), or null. */
export function findOnPath(name, env = process.env) {
  const extensions = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const file = path.join(dir, name + extension);
      if (isExecutableFile(file)) return file;
    }
  }
  return null;
}

/**
 * The Chromium the browser tests use: CHROMIUM_PATH when set (null if it is not executable, rather than quietly
 * using another one), else the first of CHROMIUM_NAMES on PATH, else on macOS Homebrew's Chromium.app.
 * test-all.mjs passes the result on as CHROMIUM_PATH, since the test configs fall back to /usr/bin/chromium only.
 */
export function findChromium(env = process.env, platform = process.platform) {
  if (env.CHROMIUM_PATH) return isExecutableFile(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  for (const name of CHROMIUM_NAMES) {
    const found = findOnPath(name, env);
    if (found) return found;
  }
  return platform === 'darwin' && isExecutableFile(MAC_CHROMIUM) ? MAC_CHROMIUM : null;
}

function isExecutableFile(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Seconds since `start` (a performance.now() value), for log lines. */
export function since(start) {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}
