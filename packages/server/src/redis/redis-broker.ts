import { Redis } from 'ioredis';
import {
  RealtimeError,
  type BrokerListener,
  type ChannelBroker,
  type ChannelHistory,
  type HistoryQuery,
  type HubMessage,
  type MessageDraft,
  type PublishOutcome,
  timeOrderedId,
} from '@realtime-kit/core';
import { createChannelTurns } from './channel-turns.js';
import {
  checkPrefix,
  isRecord,
  noop,
  openCommandConnection,
  quit,
  SUBSCRIBER_OPTIONS,
  type Connection,
} from './connection.js';
import { createMessageLog } from './message-log.js';
import { createMessageStates, type RedisMessageStates } from './message-states.js';
import { createPubSubSubscriptions, type RedisBrokerSubscription } from './pubsub-subscriptions.js';
import { createRedisCluster, type RedisCluster } from './redis-cluster.js';
import { channelKeys } from './redis-keys.js';

export type { RedisBrokerSubscription } from './pubsub-subscriptions.js';
export type { RedisMessageStates } from './message-states.js';

/**
 * Options for {@link createRedisBroker}.
 * @example
 * const options: RedisBrokerOptions = { redis: 'redis://127.0.0.1:6379', logSize: 500, keyPrefix: 'chat', cidTtlSeconds: 3600 }
 */
export interface RedisBrokerOptions {
  /**
   * A connected ioredis client, or a Redis URL (`redis://host:6379/0`). From a URL the broker opens its own command
   * connection (and closes it in {@link RedisBroker.close}); a client passed in stays the caller's, is never closed by
   * the broker and keeps its own options (give it `enableOfflineQueue: false` and `maxRetriesPerRequest: 0` for the
   * same fail-fast behaviour). Either way the broker opens one more connection for pub/sub (`duplicate()`).
   */
  redis: Redis | string;
  /** Messages kept per channel for replay (`XADD … MAXLEN = logSize`). Default 1000. `0` keeps none but still numbers. */
  logSize?: number;
  /**
   * Prefix of every Redis key and pub/sub channel the broker uses. Default `'rk'`. Pub/sub ignores the database
   * number, so apps sharing one Redis server (even on different databases) need different prefixes.
   */
  keyPrefix?: string;
  /** How long a publish `cid` is remembered for deduplication, in seconds. Default 86400 (a day). */
  cidTtlSeconds?: number;
  /**
   * How long a channel's log is kept after it was last published to or read, in ms. Default
   * {@link DEFAULT_REDIS_RETENTION_MS} (a day); `0` keeps logs until Redis evicts them. An expired log starts over
   * under a new epoch: resuming clients are told (`reset`).
   */
  retentionMs?: number;
  /**
   * How often this instance proves it is alive (and checks the others), in ms. Default 5000. An instance that stops
   * (killed without goodbye) is noticed within four times this plus a second (21 s by default): its presence members leave.
   */
  heartbeatMs?: number;
  /** How long one `exclusive` task may hold a channel's lock before another instance may take it. Default 10 000 ms. */
  lockLeaseMs?: number;
  /** Clock for each message's `at`. Default `Date.now`. */
  now?: () => number;
  /**
   * Id generator for message ids. Default `timeOrderedId`: a UUID v7 carrying the message's `at`, which lets the
   * compact frame encoding send the two as one.
   */
  createId?: () => string;
}

/**
 * A {@link ChannelBroker} over Redis (see {@link createRedisBroker}): every method answers asynchronously.
 * @example
 * const broker: RedisBroker = createRedisBroker({ redis: 'redis://127.0.0.1:6379' })
 * const { seq, fresh } = await broker.publish('room:1', { event: 'chat', data: { text: 'hi' }, cid: 'c-1' })
 * const { messages, head } = await broker.history('room:1', seq - 1)
 * await broker.close()
 */
export interface RedisBroker extends ChannelBroker {
  publish(channel: string, draft: MessageDraft, options?: { fence?: string }): Promise<PublishOutcome>;
  history(channel: string, query: HistoryQuery): Promise<ChannelHistory>;
  subscribe(
    channel: string,
    listener: ((message: HubMessage, epoch: string) => void) | BrokerListener,
  ): RedisBrokerSubscription;
  latest(channel: string, event: string): Promise<HubMessage | undefined>;
  lookup(channel: string, cid: string): Promise<{ id: string; seq: number; epoch?: string } | undefined>;
  trim(channel: string, throughSeq: number): Promise<void>;
  readonly cluster: RedisCluster;
  /**
   * Message states (edits, deletions, reactions), beside each channel's log and kept as long as it is: a hash by
   * message id, the states of messages trimmed from the log dropped on the next `set`.
   */
  readonly states: RedisMessageStates;
  /**
   * Stops every delivery and quits the connections the broker opened (never a client passed in). Idempotent; later
   * calls of `publish`/`history` reject with `RealtimeError('closed')`.
   */
  close(): Promise<void>;
}

const DEFAULT_REDIS_LOG_SIZE = 1000;
const DEFAULT_KEY_PREFIX = 'rk';
const DEFAULT_CID_TTL_SECONDS = 86_400;
/** Default time a Redis channel log is kept after its last publish or read: a day. */
export const DEFAULT_REDIS_RETENTION_MS = 24 * 60 * 60 * 1000;
const DEFAULT_LOCK_LEASE_MS = 10_000;

function positiveInteger(fn: string, name: string, value: number, allowZero = false): number {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(
      `${fn}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer (got ${String(value)}).`,
    );
  }
  return value;
}

/**
 * A {@link ChannelBroker} over Redis, so that every server instance shares one message log per channel, one presence
 * set and one signal fan-out: the hub of each instance numbers, stores, replays and receives through the same Redis.
 *
 * - A publish is one Lua script, atomic on the Redis server: dedupe by `cid` (remembered for `cidTtlSeconds`), the next
 *   sequence number, `XADD` to the channel's stream (entry id `0-<seq>`, trimmed to exactly `logSize`) and `PUBLISH`.
 *   Each log has an epoch (`{prefix}:{channel}:epoch`); a log that starts over (Redis restarted without persistence,
 *   flushed, a key deleted, expired after `retentionMs`) gets a new one, so resuming clients are told, never skipped.
 * - `history` reads the stream with `XRANGE`/`XREVRANGE`, the head and the epoch in one Lua call.
 * - `states` keeps message states (edits, deletions, reactions) in a hash per channel beside its log, with the log's
 *   retention; `states.find` scans the log on the Redis server for one message by id.
 * - `exclusive` takes a per-channel lock (`SET NX PX`, a lease of `lockLeaseMs`) whose token fences the publishes of
 *   the task: a publish after the lease passed to another instance is refused, never interleaved.
 * - `subscribe` shares one Redis `SUBSCRIBE` per channel among all local listeners, on a dedicated connection.
 * - `cluster`: presence, occupancy and signals shared between instances, instance heartbeats, requests routed to the
 *   instance holding a session (see `createRedisCluster`).
 * - While Redis is unreachable, every command rejects at once with `RealtimeError('unavailable')`. A publish whose
 *   connection drops while it is in flight is rejected too, though Redis may have stored it: retry it with the same
 *   `cid` to stay exactly-once. Messages published while the pub/sub connection was down were missed live: the hub
 *   notices the hole in `seq` and refills it from `history`.
 *
 * @example
 * import { createChannelHub } from '@realtime-kit/core'
 * import { createRedisBroker } from '@realtime-kit/server/redis'
 *
 * const broker = createRedisBroker({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logSize: 500 })
 * const hub = createChannelHub({ broker })
 * // on shutdown:
 * await broker.close()
 */
export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  const fn = 'createRedisBroker';
  if (!isRecord(options)) throw new RangeError(`${fn}: options with a redis client or URL are required.`);
  const logSize = positiveInteger(fn, 'logSize', options.logSize ?? DEFAULT_REDIS_LOG_SIZE, true);
  const cidTtlSeconds = positiveInteger(fn, 'cidTtlSeconds', options.cidTtlSeconds ?? DEFAULT_CID_TTL_SECONDS);
  const retentionMs = positiveInteger(fn, 'retentionMs', options.retentionMs ?? DEFAULT_REDIS_RETENTION_MS, true);
  const lockLeaseMs = positiveInteger(fn, 'lockLeaseMs', options.lockLeaseMs ?? DEFAULT_LOCK_LEASE_MS);
  const prefix = checkPrefix(fn, options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  if (options.now !== undefined && typeof options.now !== 'function')
    throw new RangeError(`${fn}: now must be a function.`);
  if (options.createId !== undefined && typeof options.createId !== 'function')
    throw new RangeError(`${fn}: createId must be a function.`);
  const now = options.now ?? Date.now;
  const createId: (at: number) => string = options.createId ?? timeOrderedId;

  const commands = openCommandConnection(fn, options.redis);
  const subscriber: Connection = {
    client:
      typeof options.redis === 'string'
        ? new Redis(options.redis, SUBSCRIBER_OPTIONS)
        : commands.client.duplicate(SUBSCRIBER_OPTIONS),
    owned: true,
  };
  subscriber.client.on('error', noop);
  let closed: Promise<void> | undefined;
  const keys = (channel: string) => channelKeys(prefix, channel);
  const ensureOpen = (what: string) => {
    if (closed) throw new RealtimeError('closed', `${what}: the Redis broker is closed.`);
  };

  const cluster = createRedisCluster({
    commands: commands.client,
    subscriber: subscriber.client,
    prefix,
    heartbeatMs: options.heartbeatMs,
    keys: (channel) => ({ presence: keys(channel).presence, pub: keys(channel).pub }),
  });
  const subscriptions = createPubSubSubscriptions(
    subscriber.client,
    (text) => cluster.parse(text),
    () => closed !== undefined,
  );
  const log = createMessageLog({ commands: commands.client, keys, logSize, cidTtlSeconds, retentionMs, now, createId });
  const messageStates = createMessageStates({ commands: commands.client, keys, logSize, retentionMs });
  const turns = createChannelTurns(
    commands.client,
    (channel) => keys(channel).lock,
    lockLeaseMs,
    () => ensureOpen('Could not run a channel turn'),
  );

  return {
    cluster,
    async publish(channel, draft, publishOptions = {}) {
      ensureOpen('Could not publish');
      return log.publish(channel, draft, publishOptions.fence ?? '');
    },
    async history(channel, query) {
      ensureOpen('Could not read history');
      return log.history(channel, query);
    },
    async latest(channel, event) {
      ensureOpen('Could not read the latest message');
      return log.latest(channel, event);
    },
    async lookup(channel, cid) {
      ensureOpen('Could not look up a publish');
      return log.lookup(channel, cid);
    },
    states: {
      async find(channel, id) {
        ensureOpen('Could not find a message');
        return messageStates.find(channel, id);
      },
      async get(channel, ids) {
        ensureOpen('Could not read message states');
        return messageStates.get(channel, ids);
      },
      async set(channel, id, state, setOptions) {
        ensureOpen('Could not set a message state');
        return messageStates.set(channel, id, state, setOptions);
      },
    },
    async trim(channel, throughSeq) {
      ensureOpen('Could not trim a log');
      // Entry ids are `0-<seq>`: MINID keeps the entries from the next seq on.
      await commands.client.xtrim(keys(channel).log, 'MINID', `0-${Math.floor(throughSeq) + 1}`);
    },
    exclusive: (channel, task) => turns.exclusive(channel, task),
    subscribe: (channel, listener) => subscriptions.subscribe(channel, keys(channel).pub, listener),
    close() {
      closed ??= (async () => {
        subscriptions.clear();
        await cluster.close();
        await Promise.all([quit(subscriber), quit(commands)]);
      })();
      return closed;
    },
  };
}
