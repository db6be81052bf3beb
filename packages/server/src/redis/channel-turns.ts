import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { command, noop, unavailable } from './connection.js';
import { releaseScript } from './scripts.js';

/** How long `exclusive` tries to take a channel's lock before giving up (`unavailable`). */
const LOCK_WAIT_MS = 10_000;

/** Runs tasks one at a time per channel, across every instance sharing Redis. */
export interface ChannelTurns {
  /** Runs `task` in the channel's turn; its `fence` (the lock's token) makes its publishes refused once the lease passed on. */
  exclusive<T>(channel: string, task: (fence: string | undefined) => Promise<T>): Promise<T>;
}

/**
 * One task per channel on this instance at a time (no lock contention among our own), and a per-channel lock for
 * the others (`SET NX PX`, a lease of `lockLeaseMs`).
 */
export function createChannelTurns(
  commands: Redis,
  lockKey: (channel: string) => string,
  lockLeaseMs: number,
  ensureOpen: () => void,
): ChannelTurns {
  /** Tasks waiting for (or holding) each channel's turn on this instance. */
  const turns = new Map<string, Promise<unknown>>();

  async function lock(channel: string): Promise<string> {
    const key = lockKey(channel);
    const token = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      const taken = await command(commands, `Could not take the turn of "${channel}"`, () =>
        commands.set(key, token, 'PX', lockLeaseMs, 'NX'),
      );
      if (taken === 'OK') return token;
      if (Date.now() > deadline)
        throw unavailable(
          `Could not take the turn of "${channel}"`,
          new Error(`another instance held it for ${LOCK_WAIT_MS} ms`),
        );
      // Short, jittered waits: the holder is usually done within a round trip or two.
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())));
    }
  }

  return {
    exclusive<T>(channel: string, task: (fence: string | undefined) => Promise<T>): Promise<T> {
      const previous = turns.get(channel) ?? Promise.resolve();
      const run = previous.then(async () => {
        ensureOpen();
        const token = await lock(channel);
        try {
          return await task(token);
        } finally {
          await releaseScript.run(commands, [lockKey(channel)], [token]).catch(noop);
        }
      });
      const tail = run.then(noop, noop);
      turns.set(channel, tail);
      void tail.then(() => {
        if (turns.get(channel) === tail) turns.delete(channel);
      });
      return run;
    },
  };
}
