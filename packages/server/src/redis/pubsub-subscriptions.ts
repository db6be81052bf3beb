import {
  RealtimeError,
  reportListenerError,
  toBrokerListener,
  type BrokerListener,
  type BrokerSubscription,
  type ClusterEvent,
  type HubMessage,
} from '@realtime-kit/core';
import type { Redis } from 'ioredis';
import { command, noop } from './connection.js';
import { parseMessage } from './stored-message.js';

/**
 * A live subscription of a {@link RedisBroker}: `ready` is always a promise (the confirmed Redis `SUBSCRIBE`).
 * @example
 * const subscription = broker.subscribe('room:1', (message) => console.log(message.seq, message.data))
 * await subscription.ready // messages published from now on arrive
 * subscription.close()
 */
export interface RedisBrokerSubscription extends BrokerSubscription {
  /** Resolves once Redis confirmed the `SUBSCRIBE`; rejects with `RealtimeError('unavailable')` when it could not. */
  readonly ready: Promise<void>;
}

/** The local subscriptions of one broker, over its pub/sub connection. */
export interface PubSubSubscriptions {
  /** Adds a listener of the channel published on `pubName`. */
  subscribe(
    channel: string,
    pubName: string,
    listener: ((message: HubMessage, epoch: string) => void) | BrokerListener,
  ): RedisBrokerSubscription;
  /** Drops every local listener (the broker closes). */
  clear(): void;
}

interface ChannelSubscription {
  readonly listeners: Set<BrokerListener>;
  /** The pending or confirmed `SUBSCRIBE`; `undefined` after it failed (the next local subscriber retries it). */
  ready: Promise<void> | undefined;
}

/**
 * One Redis `SUBSCRIBE` per channel, shared by all local listeners, on the `subscriber` connection. Its payloads are
 * messages (`m<epoch>\n<json>`) or cluster events (`c…`, read by `parseCluster`).
 */
export function createPubSubSubscriptions(
  subscriber: Redis,
  parseCluster: (text: string) => ClusterEvent | undefined,
  isClosed: () => boolean,
): PubSubSubscriptions {
  /** Local subscriptions by pub/sub channel name. */
  const subscriptions = new Map<string, ChannelSubscription>();
  /** Pub/sub names whose `UNSUBSCRIBE` could not be sent (connection down): ioredis re-subscribes them on reconnect. */
  const stale = new Set<string>();

  function unsubscribe(pubName: string) {
    if (subscriber.status !== 'ready') {
      stale.add(pubName);
      return;
    }
    subscriber.unsubscribe(pubName).catch(() => {
      if (!subscriptions.has(pubName)) stale.add(pubName);
    });
  }

  subscriber.on('ready', () => {
    if (isClosed()) return;
    for (const pubName of [...stale]) {
      stale.delete(pubName);
      if (!subscriptions.has(pubName)) unsubscribe(pubName);
    }
  });

  subscriber.on('message', (pubName: string, text: string) => {
    const entry = subscriptions.get(pubName);
    if (!entry || entry.listeners.size === 0) return;
    if (text.startsWith('m')) {
      const newline = text.indexOf('\n');
      const message = newline < 0 ? undefined : parseMessage(text.slice(newline + 1));
      if (!message) return;
      const epoch = text.slice(1, newline);
      for (const listener of [...entry.listeners]) {
        try {
          listener.message(message, epoch);
        } catch (thrown) {
          reportListenerError(thrown);
        }
      }
      return;
    }
    const event = parseCluster(text);
    if (!event) return;
    for (const listener of [...entry.listeners]) {
      try {
        listener.cluster?.(event);
      } catch (thrown) {
        reportListenerError(thrown);
      }
    }
  });

  function startSubscribe(pubName: string, entry: ChannelSubscription): Promise<void> {
    const ready = command(subscriber, `Could not subscribe to a channel`, async () => {
      await subscriber.subscribe(pubName);
    });
    ready.catch(() => {
      if (entry.ready === ready) entry.ready = undefined;
    });
    return ready;
  }

  return {
    subscribe(channel, pubName, listener) {
      if (isClosed()) {
        const ready = Promise.reject(
          new RealtimeError('closed', `Could not subscribe to "${channel}": the Redis broker is closed.`),
        );
        ready.catch(noop);
        return { ready, close: noop };
      }
      let entry = subscriptions.get(pubName);
      if (!entry) {
        entry = { listeners: new Set(), ready: undefined };
        subscriptions.set(pubName, entry);
      }
      const current = entry;
      // A fresh object per subscription, so subscribing one listener twice is two subscriptions.
      const own: BrokerListener = { ...toBrokerListener(listener) };
      current.listeners.add(own);
      stale.delete(pubName);
      current.ready ??= startSubscribe(pubName, current);
      const ready = current.ready;
      let active = true;
      return {
        ready,
        close() {
          if (!active) return;
          active = false;
          current.listeners.delete(own);
          if (current.listeners.size > 0 || subscriptions.get(pubName) !== current) return;
          subscriptions.delete(pubName);
          if (!isClosed()) unsubscribe(pubName);
        },
      };
    },
    clear: () => subscriptions.clear(),
  };
}
