// Child processes of a bench suite (servers, client swarms, redis): forked with tsx, tracked so a suite can stop
// them all, and killed outright (a bench child holds nothing worth a graceful exit).
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';

const TSX = import.meta.resolve('tsx');

/** Every child a suite started that has not exited yet. */
export type Children = Set<ChildProcess>;

/** Forks `script` (TypeScript, run with tsx and the `source` condition) with an IPC channel, tracked in `children`. */
export function forkChild(
  children: Children,
  script: string,
  args: readonly string[],
  options: { execArgv?: readonly string[]; env?: ForkOptions['env'] } = {},
): ChildProcess {
  const child = fork(script, [...args], {
    execArgv: ['--conditions=source', '--import', TSX, ...(options.execArgv ?? [])],
    ...(options.env ? { env: options.env } : {}),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track(children, child);
  return child;
}

/** Tracks a child started another way (e.g. `spawn('redis-server')`). */
export function track(children: Children, child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Kills `child` and resolves once it has exited (at once if it already has). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/**
 * The next IPC message of `type` from `child`, within `waitMs`. Rejects when the child exits first, or sends
 * `{ type: 'failed', reason }` meanwhile.
 */
export function nextMessage<M extends { readonly type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  waitMs: number,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`No '${type}' from child ${child.pid} within ${waitMs} ms`)), waitMs);
    const onMessage = (message: M) => {
      if (message.type === type) done(undefined, message as Extract<M, { type: T }>);
      else if (message.type === 'failed')
        done(
          new Error(
            `Child ${child.pid} failed while waiting for '${type}': ${(message as { reason?: string }).reason}`,
          ),
        );
    };
    const onExit = (code: number | null) =>
      done(new Error(`Child ${child.pid} exited (${code}) waiting for '${type}'`));
    function done(error: Error | undefined, message?: Extract<M, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as Extract<M, { type: T }>);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
