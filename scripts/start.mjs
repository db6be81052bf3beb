#!/usr/bin/env node
/**
 * `npm run dev` (after setup.mjs): builds the packages, then runs Storybook (port 6006) and the demo app
 * (apps/web, port 3000) side by side, with prefixed output. Prints both URLs once they answer.
 * Ctrl-C / SIGTERM stops both; if either one exits, the other is stopped too and this exits with its code.
 *
 * Usage: node scripts/start.mjs [--no-build]
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { childEnv, ROOT } from './lib/toolchain.mjs';

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean', default: false } } });
const env = childEnv();
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

const servers = [
  {
    name: 'storybook',
    code: 35,
    port: 6006,
    command: ['pnpm', 'storybook'],
    url: 'http://localhost:6006',
    probe: '/index.json',
  },
  {
    name: 'web',
    code: 36,
    port: 3000,
    command: ['pnpm', '--filter', 'web', 'dev'],
    url: 'http://localhost:3000',
    probe: '/',
  },
];
const width = Math.max(...servers.map((server) => server.name.length));

// The packages' dist/ is what apps/web imports; turbo makes this a no-op when nothing changed.
if (!values['no-build']) {
  const turbo = path.join(ROOT, 'node_modules', '.bin', 'turbo');
  const build = spawnSync(turbo, ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error('start: building the packages failed (see above).');
    process.exit(build.status ?? 1);
  }
}

for (const server of servers) {
  if (await portInUse(server.port)) {
    console.error(
      `start: port ${server.port} (${server.name}) is already in use. Stop whatever is using it and try again.`,
    );
    process.exit(1);
  }
}

let stopping = false;
let exitCode = 0;

for (const server of servers) {
  // Own process group, so a signal reaches pnpm and everything it started (node, esbuild, next-server).
  const child = spawn(server.command[0], server.command.slice(1), {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.child = child;
  const prefix = paint(server.code, `[${server.name.padEnd(width)}]`);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => console.log(`${prefix} ${line}`));
  }
  child.on('error', (error) => {
    console.error(`${prefix} could not start: ${error.message}`);
    stopAll(1);
  });
  child.on('exit', (code, signal) => {
    server.exited = true;
    if (!stopping) {
      console.log(`${prefix} exited (${signal ?? `code ${code}`}); stopping the other one.`);
      stopAll(code ?? 1);
    } else if (servers.every((s) => s.exited)) {
      process.exit(exitCode);
    }
  });
  waitUntilUp(server).then((up) => {
    if (up) console.log(`${paint('1', `\n  ${server.name === 'web' ? 'Demo app ' : 'Storybook'}  ${server.url}\n`)}`);
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stopping) {
      // Second Ctrl-C: do not wait any longer.
      for (const server of servers) kill(server, 'SIGKILL');
      process.exit(130);
    }
    stopAll(signal === 'SIGINT' ? 130 : 143, signal);
  });
}

function stopAll(code, signal = 'SIGTERM') {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  for (const server of servers) kill(server, signal);
  // Anything still alive after 10 s gets SIGKILL.
  setTimeout(() => {
    for (const server of servers) kill(server, 'SIGKILL');
    process.exit(exitCode);
  }, 10_000).unref();
  if (servers.every((s) => s.exited)) process.exit(exitCode);
}

function kill(server, signal) {
  if (!server.child?.pid || server.exited) return;
  try {
    process.kill(-server.child.pid, signal);
  } catch {
    // already gone
  }
}

async function waitUntilUp(server) {
  const deadline = Date.now() + 300_000;
  while (!stopping && !server.exited && Date.now() < deadline) {
    try {
      const response = await fetch(`${server.url}${server.probe}`, { signal: AbortSignal.timeout(60_000) });
      await response.body?.cancel();
      if (response.status < 500) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: 'localhost' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
