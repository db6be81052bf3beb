import { RealtimeError, isRealtimeError } from '../errors.js';
import { createOutboxQueue, type OutboxQueue, type QueuedPublish } from '../outbox/outbox-queue.js';
import { createAnswerWatchdog } from './answer-watchdog.js';
import { frameErrorToRealtimeError } from '../protocol/frame-error.js';
import type { FrameError } from '../protocol/frames.js';
import type { MessageChange } from './channel-record.js';
import type { ClientConnection } from './client-connection.js';
import type { OutboxStorage, PublishOptions, PublishReceipt } from './types.js';

/** What publishing needs from the client. */
export interface ClientPublisherHost {
  readonly storage: OutboxStorage | undefined;
  readonly maxQueued: number;
  createId(): string;
  now(): number;
  /**
   * The client's connection: `transmit` sends on the open session, false when not open (the publish waits), and
   * throws when the frame cannot be encoded.
   */
  readonly connection: Pick<ClientConnection, 'transmit' | 'isOpen' | 'isClosed' | 'ensureConnected'>;
  /** How long a sent publish may go unanswered before the session is presumed broken (see `ackTimeoutMs`). */
  readonly ackTimeoutMs: number;
  /** Ends the current session and opens a new one (the transport's `reconnect()`). */
  reconnect(): void;
  /** A channel's `pending` count may have changed. */
  refresh(channel: string): void;
  /** An error for a publish nobody waits for (restored from storage): reported on its channel. */
  report(channel: string, error: RealtimeError): void;
  onStorageError(error: unknown): void;
}

/** The publishing side of a client: the ordered outbox, acks, refusals, and re-sends. */
export interface ClientPublisher {
  readonly outbox: OutboxQueue;
  publish(
    channel: string,
    event: string,
    data: unknown,
    options?: PublishOptions,
    change?: MessageChange,
  ): Promise<PublishReceipt>;
  /** Sends every publish not sent on the current session, in order. */
  flush(): void;
  /** Stored (an `ack`, or the publisher's own echo). */
  settle(cid: string, channel: string, receipt: PublishReceipt): void;
  /** Refused (a `nack`). */
  refuse(cid: string, channel: string, error: FrameError): void;
  /** The session ended: everything not acknowledged goes again on the next one, which holds nothing back. */
  sessionEnded(): void;
  /** The client is closing: stop the re-send timer. */
  stop(): void;
}

/** First wait before publishes refused `unavailable` (the server's store is down) are sent again; it doubles up to the max. */
const STORE_RETRY_MIN_MS = 250;
const STORE_RETRY_MAX_MS = 5000;

/**
 * The outbox in action. A publish resolves on its `ack` (or its echo) and rejects on a `nack`, except `unavailable`:
 * the server's message store was down and nothing was stored, so the publish stays in the outbox, in order, and is
 * sent again after a short backoff (250 ms, doubling to 5 s, back to the start after any ack), like a publish made
 * while offline. Every other refusal rejects with its typed error (`rate_limited` carries `retryAfterMs`).
 */
export function createClientPublisher(host: ClientPublisherHost): ClientPublisher {
  const { transmit, isOpen, isClosed, ensureConnected } = host.connection;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = STORE_RETRY_MIN_MS;
  const answers = createAnswerWatchdog({
    outbox: () => outbox,
    ackTimeoutMs: host.ackTimeoutMs,
    now: host.now,
    isOpen,
    isClosed,
    reconnect: () => host.reconnect(),
  });
  /** Channels whose publishes wait: one was refused `unavailable`, and some sent after it are not answered yet. */
  const held = new Set<string>();
  /** Refused `unavailable` on this session, not sent again yet: the server holds their channel until they come (see `settle`). */
  const awaited = new Set<string>();

  const outbox = createOutboxQueue({
    storage: host.storage,
    onStorageError: host.onStorageError,
    onLoaded(names) {
      for (const name of names) host.refresh(name);
      if (names.size > 0) ensureConnected();
      flush();
    },
  });

  function flush() {
    if (!isOpen() || !outbox.ready || isClosed() || retryTimer !== undefined) return;
    for (const queued of outbox.inOrder()) {
      if (queued.sent || held.has(queued.entry.channel)) continue;
      const { cid, channel, event, data, action, target } = queued.entry;
      let sent: boolean;
      try {
        sent = transmit({ type: 'publish', channel, event, data, cid, ...(action ? { action, target } : {}) });
      } catch (cause) {
        // The transport could not encode it (e.g. not JSON-serialisable): this one fails, the rest go on.
        const error = isRealtimeError(cause)
          ? cause
          : new RealtimeError(
              'invalid_payload',
              `The publish of "${event}" on "${channel}" could not be sent: ${String(cause)}`,
              { cause },
            );
        fail(queued, error);
        continue;
      }
      if (!sent) return;
      queued.sent = true;
      awaited.delete(cid);
      queued.sentAt = host.now();
      answers.watch();
    }
  }

  /** A new session, once the frame being handled is done (its message still reaches its listeners). */
  function startOver() {
    queueMicrotask(() => {
      if (isOpen() && !isClosed()) host.reconnect();
    });
  }

  function fail(queued: QueuedPublish, error: RealtimeError) {
    outbox.remove(queued.entry.cid);
    host.refresh(queued.entry.channel);
    if (queued.settle) queued.settle.reject(error);
    else host.report(queued.entry.channel, error);
    release(queued.entry.channel);
  }

  /** A held channel goes on once every publish sent on it has its answer. */
  function release(channel: string) {
    if (!held.has(channel)) return;
    for (const queued of outbox.inOrder()) if (queued.sent && queued.entry.channel === channel) return;
    held.delete(channel);
    flush();
  }

  function retryLater() {
    if (retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, STORE_RETRY_MAX_MS);
  }

  return {
    outbox,
    flush,
    publish(channel, event, data, publishOptions = {}, change) {
      if (isClosed()) return Promise.reject(closedError(channel));
      const cid = publishOptions.cid ?? host.createId();
      const existing = outbox.get(cid);
      if (existing) return attachPromise(existing);
      if (outbox.size >= host.maxQueued) return Promise.reject(outboxFullError(channel, outbox.size, host.maxQueued));
      const { promise, settle } = deferred();
      outbox.add(
        { cid, channel, event, data, ...change, createdAt: outbox.nextCreatedAt(host.now()) },
        settle,
        promise,
      );
      host.refresh(channel);
      ensureConnected();
      flush();
      return promise;
    },
    settle(cid, channel, receipt) {
      const queued = outbox.get(cid);
      if (!queued || queued.entry.channel !== channel) return;
      outbox.remove(cid);
      retryDelay = STORE_RETRY_MIN_MS;
      host.refresh(channel);
      queued.settle?.resolve(receipt);
      // Stored after all (its answer lost with the store): it will not come again, the server would hold the channel.
      if (awaited.delete(cid)) return startOver();
      release(channel);
    },
    refuse(cid, channel, frameError) {
      const queued = outbox.get(cid);
      if (!queued) {
        // Its echo settled it first: see `awaited`.
        if (frameError.code === 'unavailable') startOver();
        return;
      }
      if (frameError.code === 'unavailable') {
        // Nothing was stored: it waits in the outbox, in order, and goes again shortly. The server holds back every
        // later publish of this session on the channel until it comes again; those already on their way are refused
        // too. Until they are all answered nothing new goes on this channel: a newer publish must not be stored
        // before the ones refused behind this one are sent again.
        queued.sent = false;
        awaited.add(cid);
        held.add(channel);
        retryLater();
        return release(channel);
      }
      fail(queued, frameErrorToRealtimeError(frameError, channel));
    },
    sessionEnded() {
      outbox.markUnsent();
      held.clear();
      awaited.clear();
    },
    stop() {
      clearTimeout(retryTimer);
      retryTimer = undefined;
      answers.stop();
    },
  };
}

/** A repeat publish of a waiting `cid` shares its promise (one restored from storage gets one now). */
function attachPromise(queued: QueuedPublish): Promise<PublishReceipt> {
  if (queued.promise) return queued.promise;
  const { promise, settle } = deferred();
  queued.promise = promise;
  queued.settle = settle;
  return promise;
}

function closedError(channel: string): RealtimeError {
  return new RealtimeError(
    'closed',
    `Cannot publish on "${channel}": this client was closed.${process.env.NODE_ENV !== 'production' ? ' Create a new client.' : ''}`,
  );
}

function outboxFullError(channel: string, size: number, maxQueued: number): RealtimeError {
  return new RealtimeError(
    'outbox_full',
    `Publish on "${channel}" refused: ${size} publishes already wait for the server (maxQueued ${maxQueued}).` +
      (process.env.NODE_ENV !== 'production'
        ? ' Nothing was dropped; retry once the connection is back, or raise maxQueued.'
        : ''),
  );
}

function deferred(): { promise: Promise<PublishReceipt>; settle: NonNullable<QueuedPublish['settle']> } {
  let resolve!: (receipt: PublishReceipt) => void;
  let reject!: (error: RealtimeError) => void;
  const promise = new Promise<PublishReceipt>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, settle: { resolve, reject } };
}
