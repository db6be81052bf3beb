import type { RealtimeError } from '../errors.js';
import type { ClientFrame } from '../protocol/frames.js';
import type { ChannelRecord } from './channel-record.js';
import type { ClientContext } from './client-context.js';

/** Wait before a subscribe refused `unavailable` (or `rate_limited` without a wait) is sent again. */
const SUBSCRIBE_RETRY_MS = 1000;

/** Where each channel stands on the server: subscribed while it is used, from its resume point, on every session. */
export interface ChannelSubscriptions {
  /**
   * Asks again, from the resume point, when the channel is subscribed on this session: the server replays what is
   * missing (a hole), and answers with what the subscribe asks for now (occupancy counts).
   */
  resubscribe(record: ChannelRecord): void;
  /** The channel's first user arrived (subscribe now) or its last one left (unsubscribe after a microtask). */
  activeChanged(record: ChannelRecord): void;
  /**
   * A subscribe refused for now (rate limited, or the server's store unavailable) is sent again after the wait the
   * server asked for (`retryAfterMs`), or a second: a client with many channels gets all of them back after a
   * reconnect, however its budget is spent. True when it will be retried.
   */
  retrySubscribe(record: ChannelRecord, error: RealtimeError): boolean;
  /** A new session: every channel in use subscribes again from its resume point, and enters presence again. */
  sessionOpened(): void;
  /** The session ended: nothing is subscribed on the server any more. */
  sessionEnded(): void;
}

/** Whether anything uses the channel (handlers, presence watchers or an enter, occupancy watchers): it must be subscribed. */
function isActive(record: ChannelRecord): boolean {
  return (
    record.handlers.size > 0 || record.signalHandlers.size > 0 || record.presence.active || record.occupancy.size > 0
  );
}

/** What a channel knew of the session that ended (or is about to start): none of it holds on the next one. */
function forgetSession(record: ChannelRecord) {
  clearTimeout(record.retry);
  record.retry = undefined;
  record.serverSubscribed = false;
  record.confirmed = false;
  record.awaiting = false;
}

export function createChannelSubscriptions({ channels, connection, refresh }: ClientContext): ChannelSubscriptions {
  const { isOpen, isClosed, send, ensureConnected } = connection;

  /** Subscribes (or resubscribes, which replays) from the resume point; nothing is sent while no session is open. */
  function subscribeOnServer(record: ChannelRecord) {
    const after = record.cursor.lastSeq;
    const frame: Extract<ClientFrame, { type: 'subscribe' }> = { type: 'subscribe', channel: record.name };
    if (after !== null) {
      frame.after = after;
      if (record.epoch !== undefined) frame.epoch = record.epoch;
    } else if (record.rewind > 0) {
      frame.rewind = record.rewind;
    }
    if (record.occupancy.size > 0) frame.occupancy = true;
    if (!send(frame)) return;
    record.serverSubscribed = true;
    record.awaiting = true;
    record.rewinding = frame.rewind !== undefined;
    record.stall = 0;
  }

  /** Nobody uses the channel any more: unsubscribed, and its resume point forgotten (a new subscription starts live). */
  function endSubscription(record: ChannelRecord) {
    if (record.serverSubscribed) send({ type: 'unsubscribe', channel: record.name });
    forgetSession(record);
    record.rewinding = false;
    record.stall = 0;
    record.epoch = undefined;
    record.cids.clear();
    record.cursor.reset();
    record.presence.clearMembers();
    record.occupancy.set(null);
    refresh(record);
  }

  return {
    resubscribe(record) {
      if (record.serverSubscribed) subscribeOnServer(record);
    },
    activeChanged(record) {
      if (isClosed()) return;
      if (isActive(record)) {
        ensureConnected();
        if (isOpen() && !record.serverSubscribed) subscribeOnServer(record);
        return;
      }
      // After a microtask: an immediate re-subscribe (React StrictMode) sends nothing.
      if (record.unsubscribeScheduled) return;
      record.unsubscribeScheduled = true;
      queueMicrotask(() => {
        record.unsubscribeScheduled = false;
        if (!isActive(record)) endSubscription(record);
      });
    },
    retrySubscribe(record, error) {
      if (error.code !== 'rate_limited' && error.code !== 'unavailable') return false;
      if (!record.serverSubscribed || record.confirmed) return false;
      record.awaiting = false;
      clearTimeout(record.retry);
      const wait =
        error.code === 'rate_limited' && error.retryAfterMs !== undefined
          ? Math.max(50, error.retryAfterMs)
          : SUBSCRIBE_RETRY_MS;
      record.retry = setTimeout(() => {
        record.retry = undefined;
        if (isOpen() && record.serverSubscribed && !record.confirmed && !record.awaiting) subscribeOnServer(record);
      }, wait);
      return true;
    },
    sessionOpened() {
      for (const record of channels.values()) {
        forgetSession(record);
        if (isActive(record)) subscribeOnServer(record);
        record.presence.sessionOpened();
        refresh(record);
      }
    },
    sessionEnded() {
      for (const record of channels.values()) {
        forgetSession(record);
        record.presence.sessionEnded();
        refresh(record);
      }
    },
  };
}
