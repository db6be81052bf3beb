import type { Redis } from 'ioredis';
import { mergeYjsStates, type YjsStore } from './yjs-store.js';

/** Options of {@link redisYjsStore}. */
export interface RedisYjsStoreOptions {
  /** Prefix of the store's keys. Default `'rk:yjs'`. */
  readonly prefix?: string;
}

/** The saved states (a list) and the version of the list's head, in one hash slot. */
function keysOf(prefix: string, channel: string) {
  const base = `${prefix}:{${encodeURIComponent(channel)}}`;
  return { states: `${base}:states`, version: `${base}:version` };
}

/** The version and the saved states, read together. */
const READ = `return { redis.call('GET', KEYS[2]) or '0', redis.call('LRANGE', KEYS[1], 0, -1) }`;

/**
 * Replaces the states with `ARGV[2]` when nobody saved since we read version `ARGV[1]`; otherwise appends it (our
 * merge holds everything we read plus our state, so appending keeps the union whatever was saved meanwhile).
 */
const WRITE = `
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('RPUSH', KEYS[1], ARGV[2])
  redis.call('INCR', KEYS[2])
  return 1
end
redis.call('RPUSH', KEYS[1], ARGV[2])
return 0`;

/**
 * Yjs documents in Redis (binary-safe, one list per document): they survive restarts and are shared by every instance.
 * A save reads what is stored, merges it with the new state and writes the merge in one script guarded by a version,
 * so a slower instance's save can never replace newer state: when someone saved in between, the merge is appended
 * instead and folded in by the next save. A load merges the list. Uses `redis` as given (never closes it).
 * @example
 * keepYjsDocuments(realtime, { channels: 'doc:', ...redisYjsStore(new Redis(process.env.REDIS_URL)) })
 */
export function redisYjsStore(redis: Redis, options: RedisYjsStoreOptions = {}): YjsStore {
  const prefix = options.prefix ?? 'rk:yjs';

  async function read(channel: string): Promise<{ version: string; states: Uint8Array[] }> {
    const keys = keysOf(prefix, channel);
    const [version, states] = (await redis.callBuffer('EVAL', READ, 2, keys.states, keys.version)) as [
      Buffer,
      Buffer[],
    ];
    return { version: version.toString(), states: states.map((state) => new Uint8Array(state)) };
  }

  return {
    async onLoad(channel) {
      const { states } = await read(channel);
      return states.length === 0 ? undefined : mergeYjsStates(states);
    },
    async onSave(channel, state) {
      const { version, states } = await read(channel);
      const merged = mergeYjsStates([...states, state]);
      const keys = keysOf(prefix, channel);
      await redis.callBuffer('EVAL', WRITE, 2, keys.states, keys.version, version, Buffer.from(merged));
    },
  };
}
