import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { createServer, createConnection } from 'node:net';

/** A real redis-server on a loopback port, for tests. Needs `redis-server` on PATH (`.ci/run` installs it). */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the process (SIGKILL): Redis is down, as after a crash. Data is lost (no persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`). */
  start(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start() {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    child = proc;
    proc.on('error', () => {});
    await waitForPort(port, proc);
  }

  async function kill() {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, stop: kill };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      throw new Error(
        `redis-server exited with code ${proc.exitCode} (is it installed? apt-get install -y redis-server)`,
      );
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port} within 10 s`);
}

/**
 * One redis-server for the test file: started before its first test, stopped after its last. Read `.current`
 * inside tests (it is set once `beforeAll` ran).
 */
export function useRedis(): { readonly current: TestRedis } {
  const holder: { current: TestRedis } = { current: undefined as unknown as TestRedis };
  beforeAll(async () => {
    holder.current = await startRedis();
  });
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}
