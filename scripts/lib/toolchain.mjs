/**
 * Shared by scripts/setup.mjs, start.mjs and test-all.mjs: where the repo is, which pnpm it wants, and the
 * environment every child process gets (telemetry off, a locally installed pnpm on PATH).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

export const TELEMETRY_OFF = {
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

export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Seconds since `start` (a performance.now() value), for log lines. */
export function since(start) {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}
