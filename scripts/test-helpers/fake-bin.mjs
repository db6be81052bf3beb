/**
 * Fake executables for the scripts' tests: a directory to use as the whole PATH, holding `node` (a link to this
 * Node) and stand-ins for the commands a script may run. Each stand-in appends `{ name, args, env }` to a log
 * file and acts out the little its caller needs, so a test sees exactly what would have run, and nothing real
 * (apt-get, pnpm, npm) ever does. Node on this machine may live in /usr/bin beside chromium and redis-server,
 * which is why PATH cannot simply keep Node's own directory.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// One script for every stand-in: it is told apart by its file name. `process.getBuiltinModule` works whether
// Node loads the file as CommonJS or as an ES module (files without an extension follow the nearest
// package.json), and exists on every Node this repo supports (>= 20.19).
const FAKE = `#!/usr/bin/env node
const fs = process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');
const name = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const env = process.env;
fs.appendFileSync(env.FAKE_LOG, JSON.stringify({ name, args, DEBIAN_FRONTEND: env.DEBIAN_FRONTEND }) + '\\n');
const dir = path.dirname(process.argv[1]);
const makeFake = (file) => {
  fs.copyFileSync(process.argv[1], path.join(dir, file));
  fs.chmodSync(path.join(dir, file), 0o755);
};
if (name === 'apt-get') {
  if (env.FAKE_APT_EXIT) process.exit(Number(env.FAKE_APT_EXIT));
  // "Installs" by putting the commands the packages provide on PATH, as the real packages would.
  if (args[0] === 'install') for (const pkg of args.filter((arg) => ['chromium', 'redis-server'].includes(arg))) makeFake(pkg);
} else if (name === 'pnpm' && args[0] === '--version') {
  console.log(env.FAKE_PNPM_VERSION);
} else if (name === 'npm') {
  if (env.FAKE_NPM_OUTPUT) process.stdout.write(env.FAKE_NPM_OUTPUT);
  if (env.FAKE_NPM_SLEEP_MS) setTimeout(() => {}, Number(env.FAKE_NPM_SLEEP_MS));
  process.exitCode = Number(env.FAKE_NPM_EXIT ?? 0);
}
`;

/**
 * A temporary bin directory with `node` and the given stand-ins.
 * @param {string[]} names
 */
export function fakeBin(names) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-bin-'));
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'calls.jsonl');
  writeFileSync(log, '');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const name of names) {
    writeFileSync(path.join(bin, name), FAKE);
    chmodSync(path.join(bin, name), 0o755);
  }
  return {
    bin,
    log,
    /** What the stand-ins were called with, in order. */
    calls() {
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
