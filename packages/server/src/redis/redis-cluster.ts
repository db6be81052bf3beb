import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { emitToListeners, type BrokerCluster, type ClusterEvent, type ClusterNotice } from '@realtime-kit/core';
import { createClusterInbox } from './cluster-inbox.js';
import { startClusterLiveness } from './cluster-liveness.js';
import { createClusterPresence, parseClusterEvent } from './cluster-presence.js';
import { noop } from './connection.js';

/** The cluster side of a Redis broker (see {@link createRedisCluster}). */
export interface RedisCluster extends BrokerCluster {
  /** Reads a cluster event from a channel's pub/sub payload (`c…`); undefined for this instance's own or a malformed one. */
  parse(text: string): ClusterEvent | undefined;
  /** Stops the heartbeat and answers no more requests. */
  close(): Promise<void>;
}

export interface RedisClusterOptions {
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly prefix: string;
  /** Default {@link DEFAULT_HEARTBEAT_MS}. */
  readonly heartbeatMs?: number;
  readonly keys: (channel: string) => { presence: string; pub: string };
}

/** Default interval of an instance's heartbeat (and of its checks of the others). */
export const DEFAULT_HEARTBEAT_MS = 5000;

/**
 * Presence, occupancy, signals and session routing between instances over Redis:
 * - each instance heartbeats `{prefix}:instance:{id}` (TTL two heartbeats and a second); an instance whose key is
 *   missing at two checks in a row is reported `down` (within four heartbeats and a second of its death: 21 s with the
 *   default 5 s), so its members leave (see cluster-liveness.ts);
 * - a contribution change is one Lua step that updates the channel's presence hash (`{id}|{member}` and `{id}#`
 *   fields) and publishes the change on the channel's pub/sub name, in order with its messages;
 * - a snapshot reads the hash, leaving out (and deleting) instances that stopped heartbeating (see cluster-presence.ts);
 * - requests to an instance go to its inbox (`{prefix}:inbox:{id}`) and come back to the sender's (see cluster-inbox.ts).
 */
export function createRedisCluster(options: RedisClusterOptions): RedisCluster {
  const { commands, subscriber, prefix } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 10)
    throw new RangeError(`createRedisBroker: heartbeatMs must be at least 10 (got ${String(heartbeatMs)}).`);
  const instanceId = randomUUID().replace(/-/g, '').slice(0, 16);
  const instanceKey = (id: string) => `${prefix}:instance:${id}`;
  const notices = new Set<(notice: ClusterNotice) => void>();
  /** Channels this instance contributes to, for the TTL refresh. */
  const announced = new Set<string>();
  let closed = false;

  const liveness = startClusterLiveness({
    commands,
    subscriber,
    instanceId,
    heartbeatMs,
    instanceKey,
    presenceKey: (channel) => options.keys(channel).presence,
    announced,
    onDown: (instances) => emitToListeners(notices, { type: 'down', instances }),
    onResync: () => emitToListeners(notices, { type: 'resync' }),
    isClosed: () => closed,
  });
  const inbox = createClusterInbox(commands, subscriber, prefix, instanceId);
  const presence = createClusterPresence({
    commands,
    instanceId,
    keys: options.keys,
    instanceKey,
    announced,
    seen: liveness.seen,
  });

  return {
    instanceId,
    announce: (channel, change) => presence.announce(channel, change),
    snapshot: (channel) => presence.snapshot(channel),
    signal(channel, signal) {
      const { pub } = options.keys(channel);
      const payload = `c${JSON.stringify({ t: 's', i: instanceId, ev: signal.event, d: signal.data, f: signal.from })}`;
      commands.publish(pub, payload).catch(noop);
    },
    parse: (text): ClusterEvent | undefined => parseClusterEvent(text, instanceId, liveness.seen),
    onNotice(listener) {
      const entry = (notice: ClusterNotice) => listener(notice);
      notices.add(entry);
      return () => void notices.delete(entry);
    },
    request: (instance, body, timeoutMs) => inbox.request(instance, body, timeoutMs),
    onRequest: (handler) => inbox.onRequest(handler),
    async close() {
      if (closed) return;
      closed = true;
      liveness.stop();
      inbox.close();
      // A clean exit: the others may drop our members at their next checks instead of waiting for the key to expire.
      if (commands.status === 'ready') await commands.del(instanceKey(instanceId)).catch(noop);
    },
  };
}
