// What the cluster suite's parts share: its server children, bounded waits for their messages, and number formatting.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkChild, type Children } from '../children.js';
import type { ClusterServerConfig, FromServer, ToServer } from './protocol.js';

/** Every wait for a child or a frame is bounded: a stuck run fails the suite instead of hanging it. */
export const WAIT_MS = 60_000;

const SERVER_SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));

type Message = { readonly type: string };

/** The next message of `type` from `child`, within {@link WAIT_MS}; a `failed` message or an exit rejects. */
export function next<M extends Message, T extends M['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`No '${type}' from child ${child.pid} within ${WAIT_MS} ms`)),
      WAIT_MS,
    );
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
      done(new Error(`Child ${child.pid} exited (${code}) while waiting for '${type}'`));
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

/** Sends `message` to a server child and resolves with its `answer`. */
export function ask<T extends FromServer['type']>(
  server: ChildProcess,
  message: ToServer,
  answer: T,
): Promise<Extract<FromServer, { type: T }>> {
  const reply = next<FromServer, T>(server, answer);
  server.send(message);
  return reply;
}

/** Starts a server child (see `server-process.ts`) and resolves once it listens, with its WebSocket URL. */
export async function startServer(
  children: Children,
  config: ClusterServerConfig,
): Promise<{ child: ChildProcess; url: string }> {
  const child = forkChild(children, SERVER_SCRIPT, [JSON.stringify(config)]);
  const { port } = await next<FromServer, 'listening'>(child, 'listening');
  return { child, url: `ws://127.0.0.1:${port}/realtime` };
}

export function fixed(value: number): number {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return Number(value.toFixed(digits));
}

export function spread(values: readonly number[]): string {
  return `${fixed(Math.min(...values))}–${fixed(Math.max(...values))}`;
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
