// Server instances of the deployment-matrix tests as real processes (test/deploy/instance.ts), each on a fixed
// loopback port so it can be SIGKILLed and started again where the balancer expects it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./instance.ts', import.meta.url));
const READY_TIMEOUT_MS = 20_000;

export interface InstanceEnv {
  readonly REDIS_URL?: string;
  readonly MAX_DURATION_MS?: string;
  readonly CLUSTER_HEARTBEAT_MS?: string;
  readonly AUCTION?: string;
}

export interface Instance {
  readonly port: number;
  /** The Redis cluster's instance id of the running process ('memory' without Redis). */
  readonly id: string;
  readonly running: boolean;
  /** SIGKILL: no goodbye, no drain. */
  kill(): Promise<void>;
  /** Starts the process again on the same port (a new instance id, a fresh memory). */
  start(): Promise<void>;
  /** What the process wrote to stderr (for failure messages). */
  readonly stderr: string;
}

export async function freePort(): Promise<number> {
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

export async function startInstance(env: InstanceEnv): Promise<Instance> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let id = '';
  let stderr = '';

  async function start() {
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SCRIPT], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, PORT: String(port) },
    });
    child = proc;
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`instance not ready within ${READY_TIMEOUT_MS} ms: ${stderr}`)),
        READY_TIMEOUT_MS,
      );
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`instance exited (${code ?? signal}) before READY: ${stderr}`));
      });
      proc.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /READY (\d+) (\S+)/.exec(output);
        if (!ready) return;
        clearTimeout(timer);
        id = ready[2]!;
        resolve();
      });
    });
  }

  async function kill() {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    port,
    get id() {
      return id;
    },
    get running() {
      return child !== undefined;
    },
    kill,
    start,
    get stderr() {
      return stderr;
    },
  };
}
