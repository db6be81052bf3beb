import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { RealtimeError } from '@realtime-kit/core';

/**
 * Options for every connection the kit opens itself: commands fail at once while Redis is unreachable instead of
 * waiting in an offline queue, and a command in flight when the connection drops is rejected, not silently re-sent.
 */
const FAIL_FAST = { enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false } as const;

/** The broker's pub/sub connection: fail fast too, and always re-subscribe after a reconnect. */
export const SUBSCRIBER_OPTIONS = { ...FAIL_FAST, autoResubscribe: true } as const;

/** A Lua script run with `EVALSHA`, falling back to `EVAL` (which caches it) when Redis does not know it yet. */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

export function noop() {}

/**
 * Encodes a name for use inside a Redis key, injectively: everything but `[A-Za-z0-9._~-]` becomes `%xxxx` (its
 * UTF-16 code unit), so no name can close the `{…}` hash tag or forge another key's `:suffix`.
 */
export function encodeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._~-]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function checkPrefix(fn: string, keyPrefix: unknown): string {
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0) {
    throw new RangeError(`${fn}: keyPrefix must be a non-empty string (got ${String(keyPrefix)}).`);
  }
  return keyPrefix;
}

export interface Connection {
  readonly client: Redis;
  /** Whether the kit opened it (and so closes it). */
  readonly owned: boolean;
}

export function openCommandConnection(fn: string, redis: Redis | string): Connection {
  if (typeof redis === 'string') {
    if (redis.length === 0)
      throw new RangeError(`${fn}: redis must be an ioredis client or a Redis URL (got an empty string).`);
    const client = new Redis(redis, FAIL_FAST);
    client.on('error', noop);
    return { client, owned: true };
  }
  if (!(redis instanceof Redis)) {
    throw new RangeError(`${fn}: redis must be an ioredis client or a Redis URL (got ${typeof redis}).`);
  }
  return { client: redis, owned: false };
}

const connecting = new WeakMap<Redis, Promise<void>>();

/**
 * Resolves once `client` can take a command. While its first connection attempt is under way this waits for it (an
 * attempt is bounded by ioredis' `connectTimeout`); while Redis is unreachable (`reconnecting`, `end`) it rejects at
 * once instead of queueing.
 */
async function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') client.connect().catch(noop);
  if (client.status !== 'wait' && client.status !== 'connecting' && client.status !== 'connect') {
    throw new Error(`The Redis connection is ${client.status}.`);
  }
  // One wait per client, however many commands are waiting (no listener pile-up during a burst at startup).
  let waiting = connecting.get(client);
  if (!waiting) {
    waiting = new Promise<void>((resolve, reject) => {
      const onReady = () => {
        cleanup();
        resolve();
      };
      const onDown = () => {
        cleanup();
        reject(new Error('The Redis connection closed before it was ready.'));
      };
      const cleanup = () => {
        connecting.delete(client);
        client.off('ready', onReady);
        client.off('close', onDown);
        client.off('end', onDown);
      };
      client.on('ready', onReady);
      client.on('close', onDown);
      client.on('end', onDown);
    });
    connecting.set(client, waiting);
  }
  await waiting;
}

export function unavailable(what: string, cause: unknown): RealtimeError {
  if (cause instanceof RealtimeError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RealtimeError('unavailable', `${what}: Redis is unavailable (${reason}). Retry shortly.`, {
    cause,
    retryable: true,
  });
}

export async function command<T>(client: Redis, what: string, run: () => Promise<T>): Promise<T> {
  try {
    await whenReady(client);
    return await run();
  } catch (error) {
    throw unavailable(what, error);
  }
}

export async function quit(connection: Connection): Promise<void> {
  if (!connection.owned) return;
  const { client } = connection;
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
