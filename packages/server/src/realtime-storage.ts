import { createMemoryBroker, RealtimeError } from '@realtime-kit/core';
import { createMemoryStore } from './key-value/memory-store.js';
import type { RealtimeOptions } from './realtime.js';

/** The broker and key-value store the options name, or Redis ones (from `redis` / `REDIS_URL`), or in-memory ones. */
export async function openStorage(options: RealtimeOptions) {
  const redis =
    options.redis === undefined ? nonEmpty(process.env.REDIS_URL) : options.redis === false ? undefined : options.redis;
  const closers: (() => Promise<void>)[] = [];
  let broker = options.broker;
  let store = options.store;
  if (redis !== undefined && (!broker || !store)) {
    // Loaded only when Redis is used, so ioredis stays an optional peer.
    const { createRedisBroker, createRedisStore } = await loadRedis();
    if (!broker) {
      const redisBroker = createRedisBroker({ redis, logSize: options.logSize });
      closers.push(() => redisBroker.close());
      broker = redisBroker;
    }
    if (!store) {
      const redisStore = createRedisStore(redis);
      closers.push(() => redisStore.close());
      store = redisStore;
    }
  }
  return {
    broker: broker ?? createMemoryBroker({ logSize: options.logSize }),
    store: store ?? createMemoryStore(),
    distributed: redis !== undefined && !options.broker,
    closers,
  };
}

/** The Redis modules, or a clear error when their peer dependency `ioredis` is not installed. */
async function loadRedis(): Promise<typeof import('./redis/index.js')> {
  try {
    return await import('./redis/index.js');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes('ioredis')
    ) {
      throw new RealtimeError(
        'unavailable',
        'Redis is configured (REDIS_URL or the `redis` option) but the `ioredis` package is not installed: run `npm i ioredis` (or unset REDIS_URL to keep everything in this process).',
        { cause: error },
      );
    }
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
