import { setInspectable, type InspectableClient } from '../devtools/registry.js';
import { RealtimeError } from '../errors.js';
import { addListener } from '../lib/add-listener.js';
import { randomId } from '../lib/random-id.js';
import { emitToListeners, reportListenerError } from '../lib/report-listener-error.js';
import {
  createChannelRecord,
  refreshChannelState,
  rewindOf,
  type ChannelRecord,
  type ChannelRecordHost,
} from './channel-record.js';
import { createClientConnection } from './client-connection.js';
import type { ClientContext } from './client-context.js';
import { createChannelDelivery } from './client-delivery.js';
import { createFrameRouter } from './client-frames.js';
import { createClientPublisher } from './client-publisher.js';
import { createChannelSubscriptions } from './client-subscriptions.js';
import { DEFAULT_PRESENCE_GRACE_MS } from './presence.js';
import type { Channel, ChannelOptions, EventMap, RealtimeClient, RealtimeClientOptions } from './types.js';

/** Default bound of {@link RealtimeClientOptions.maxQueued}. */
export const DEFAULT_MAX_OUTBOX = 1000;
/** How long a sent publish may go unanswered before the client reconnects (see `ackTimeoutMs`). */
const DEFAULT_ACK_TIMEOUT_MS = 20_000;

/**
 * The channel client: channels, resume, exactly-once in-order delivery, an outbox for publishes and presence,
 * over any {@link Transport}. The client is a store of the transport's connection state.
 *
 * What it guarantees, and how:
 * - **Resume.** Every time the transport opens, each subscribed channel is subscribed again with
 *   `after: lastSeq`; the server replays what was missed (or sends `gap`, which reaches `onGap`).
 * - **Exactly once, in order.** A message with `seq <= lastSeq` is dropped. One that arrives ahead of a hole
 *   (lost or reordered frames) is held, and the client resubscribes with `after: lastSeq` — which replays the
 *   missing ones — then delivers the held messages in order. A hole is noticed when a later frame of the channel
 *   arrives (or on the next reconnect): a lost *last* message surfaces with the next one.
 * - **Outbox.** `publish` resolves on the server's `ack` (or on the echo of its own `cid`, whichever comes
 *   first) and rejects on `nack` with the server's code. Until then it stays in the outbox, in order, and is
 *   (re-)sent on every open; the server stores a `cid` once. At most `maxQueued` wait: more reject with
 *   `outbox_full`, nothing is dropped. With `outbox: indexedDBOutbox(…)` they survive a reload.
 * - **Presence** per channel, ref-counted, entered again after a reconnect.
 *
 * A channel subscribes on the server while it has event handlers, presence watchers or an `enter`; the last one
 * leaving unsubscribes after a microtask, so an immediate re-subscribe (React StrictMode) sends nothing. A new
 * subscription after that starts from the live edge: there is no replay of what happened while nobody listened.
 *
 * The transport connects when `connect()` is called or a channel is first used.
 * @example
 * const client = createRealtimeClient({ transport: websocketTransport({ url: '/realtime' }) })
 * const room = client.channel<{ message: { text: string } }>('room:42')
 * const off = room.subscribe('message', (m) => console.log(m.data.text))
 * await room.publish('message', { text: 'hi' })
 *
 * The parts share one {@link ClientContext}: the transport's lifecycle (`client-connection.ts`), the channels'
 * subscriptions on each session (`client-subscriptions.ts`), the routing of the server's frames (`client-frames.ts`),
 * the exactly-once delivery of messages (`client-delivery.ts`), the outbox (`client-publisher.ts`) and the channels
 * themselves (`channel-record.ts`, their presence in `presence.ts`).
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const { transport } = options;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_OUTBOX;
  if (!(maxQueued >= 0))
    throw new RangeError(`createRealtimeClient: maxQueued must be >= 0 (got ${String(maxQueued)}).`);
  const presenceGraceMs = options.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS;
  if (!(presenceGraceMs >= 0))
    throw new RangeError(`createRealtimeClient: presenceGraceMs must be >= 0 (got ${String(presenceGraceMs)}).`);
  const ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  if (!(ackTimeoutMs > 0))
    throw new RangeError(`createRealtimeClient: ackTimeoutMs must be > 0 (got ${String(ackTimeoutMs)}).`);
  const channels = new Map<string, ChannelRecord>();
  const errorListeners = new Set<(error: RealtimeError) => void>();

  const connection = createClientConnection(transport, {
    started: () => setInspectable(inspectable, true),
    opened() {
      subscriptions.sessionOpened();
      publisher.flush();
    },
    ended,
    received: (frame) => route(frame),
  });
  const { subscribe, getSnapshot, send, ensureConnected, isClosed, userId } = connection;

  const publisher = createClientPublisher({
    storage: options.outbox,
    maxQueued,
    createId: options.createId ?? randomId,
    now: options.now ?? Date.now,
    connection,
    ackTimeoutMs,
    reconnect: () => transport.reconnect(),
    refresh(name) {
      const record = channels.get(name);
      if (record) refresh(record);
    },
    report: (name, error) => emitError(channels.get(name), error),
    onStorageError: reportListenerError,
  });
  const { outbox } = publisher;

  const context: ClientContext = { channels, connection, refresh, emitError };
  const subscriptions = createChannelSubscriptions(context);
  const route = createFrameRouter(context, publisher, subscriptions, createChannelDelivery(context, subscriptions));
  /** What every channel asks of the client: one object for all of them. */
  const recordHost: ChannelRecordHost = {
    send,
    activeChanged: subscriptions.activeChanged,
    // A subscription asks again, now with counts.
    occupancyWatched: subscriptions.resubscribe,
    publish: (record, event, data, publishOptions, change) =>
      publisher.publish(record.name, event, data, publishOptions, change),
    signal(record, event, data) {
      if (isClosed()) return false;
      ensureConnected();
      return send({ type: 'signal', channel: record.name, event, data });
    },
    userId,
    presenceGraceMs,
  };

  function refresh(record: ChannelRecord) {
    refreshChannelState(record, outbox.pending(record.name));
  }

  function ended() {
    publisher.sessionEnded();
    subscriptions.sessionEnded();
  }

  function emitError(record: ChannelRecord | undefined, error: RealtimeError, quiet?: boolean) {
    if (record && record.errorListeners.size > 0) emitToListeners(record.errorListeners, error);
    else if (errorListeners.size > 0) emitToListeners(errorListeners, error);
    else if (!quiet) reportListenerError(error);
  }

  const client: RealtimeClient = {
    transport,
    subscribe,
    getSnapshot,
    channel<Events extends EventMap = EventMap>(name: string, channelOptions: ChannelOptions = {}): Channel<Events> {
      if (typeof name !== 'string' || name === '')
        throw new TypeError('client.channel(name): name must be a non-empty string.');
      let record = channels.get(name);
      if (!record) {
        record = createChannelRecord(name, rewindOf(channelOptions), recordHost);
        refresh(record);
        channels.set(name, record);
      } else if (!record.serverSubscribed && record.cursor.lastSeq === null) {
        record.rewind = Math.max(record.rewind, rewindOf(channelOptions));
      }
      return record.api as unknown as Channel<Events>;
    },
    onError: (listener) => addListener(errorListeners, listener),
    connect: ensureConnected,
    close() {
      if (isClosed()) return;
      ended();
      connection.close();
      setInspectable(inspectable, false);
      publisher.stop();
      const error = new RealtimeError(
        'closed',
        `The client was closed before the server stored this publish${process.env.NODE_ENV !== 'production' ? ' (a persistent outbox keeps it for the next client)' : ''}.`,
      );
      for (const queued of outbox.clear()) queued.settle?.reject(error);
      for (const record of channels.values()) refresh(record);
      transport.close();
    },
    get closed() {
      return isClosed();
    },
    get userId() {
      return userId();
    },
  };
  const inspectable: InspectableClient = {
    kind: 'client',
    client,
    channels: () => [...channels.values()].map((record) => record.api),
    outbox: () => outbox.size,
    inspect: connection.inspect,
  };
  return client;
}
