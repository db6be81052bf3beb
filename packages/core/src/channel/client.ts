import { setInspectable, type ClientTap, type InspectableClient } from '../devtools/registry.js';
import { RealtimeError } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import { emitToListeners, reportListenerError } from '../lib/report-listener-error.js';
import { frameErrorToRealtimeError } from '../protocol/frame-error.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { createStore } from '../store.js';
import { createChannelRecord, rewindOf, type ChannelRecord } from './channel-record.js';
import { createClientPublisher } from './client-publisher.js';
import { DEFAULT_PRESENCE_GRACE_MS } from './presence.js';
import type {
  Channel,
  ChannelMessage,
  ChannelOptions,
  ChannelSignal,
  EventMap,
  RealtimeClient,
  RealtimeClientOptions,
} from './types.js';

/** Default bound of {@link RealtimeClientOptions.maxQueued}. */
export const DEFAULT_MAX_OUTBOX = 1000;

/**
 * Held messages that may arrive while a resubscribe is already in flight before the client asks again: its
 * replay (or its `subscribed`) was itself lost. Small enough to recover quickly, large enough not to flood the
 * server with resubscribes while a replay is merely slow.
 */
export const RESYNC_STALL_FRAMES = 16;

/** Wait before a subscribe refused `unavailable` (or `rate_limited` without a wait) is sent again. */
const SUBSCRIBE_RETRY_MS = 1000;

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

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
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const { transport } = options;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_OUTBOX;
  if (!(maxQueued >= 0)) throw new RangeError(`createRealtimeClient: maxQueued must be >= 0 (got ${String(maxQueued)}).`);
  const createId = options.createId ?? randomId;
  const now = options.now ?? Date.now;
  const presenceGraceMs = options.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS;
  if (!(presenceGraceMs >= 0)) throw new RangeError(`createRealtimeClient: presenceGraceMs must be >= 0 (got ${String(presenceGraceMs)}).`);
  let userId: string | null = null;
  const channels = new Map<string, ChannelRecord>();
  const errorListeners = new Set<(error: RealtimeError) => void>();
  const stop: (() => void)[] = [];
  let started = false;
  let closed = false;
  let open = false;
  /** Messages a transport wrapper could not read (`message.error`): counted in the resume point, never delivered. */
  const unreadable = new WeakMap<ChannelMessage, RealtimeError>();
  /** Devtools' tap (`@realtime-kit/core/devtools`): null unless an inspector is attached. */
  let tap: ClientTap | null = null;
  /** Bumped when the tap changes what `getSnapshot` shows (a simulated offline). */
  const shown = createStore(0);
  const getSnapshot = () => tap?.state ?? transport.getSnapshot();
  function subscribe(listener: () => void): () => void {
    const offs = [transport.subscribe(listener), shown.subscribe(listener)];
    return () => offs.forEach((off) => off());
  }
  const transmit = (frame: ClientFrame): boolean =>
    tap ? tap.send(frame, (next) => transport.send(next)) : transport.send(frame);

  const publisher = createClientPublisher({
    storage: options.outbox,
    maxQueued,
    createId,
    now,
    transmit,
    isOpen: () => open,
    isClosed: () => closed,
    ensureConnected,
    refresh(name) {
      const record = channels.get(name);
      if (record) refresh(record);
    },
    report: (name, error) => emitError(channels.get(name), error),
    onStorageError: reportListenerError,
  });
  const { outbox, flush } = publisher;

  function start() {
    if (started || closed) return;
    started = true;
    // Listed for devtools once it runs (a client that never connects, e.g. one made for server rendering, is not).
    setInspectable(inspectable, true);
    stop.push(subscribe(onStatus), transport.onFrame((frame) => (tap ? tap.receive(frame, onFrame) : onFrame(frame))));
    onStatus();
  }

  function ensureConnected() {
    if (closed) return;
    start();
    transport.connect();
  }

  function send(frame: ClientFrame): boolean {
    return open && transmit(frame);
  }

  function onStatus() {
    tap?.status();
    const isOpen = getSnapshot().status === 'open';
    if (isOpen === open) return;
    open = isOpen;
    if (open) sessionOpened();
    else sessionEnded();
  }

  function sessionOpened() {
    for (const record of channels.values()) {
      record.serverSubscribed = false;
      record.confirmed = false;
      record.awaiting = false;
      if (isActive(record)) subscribeOnServer(record);
      record.presence.sessionOpened();
      refresh(record);
    }
    flush();
  }

  function sessionEnded() {
    outbox.markUnsent();
    for (const record of channels.values()) {
      clearTimeout(record.retry);
      record.retry = undefined;
      record.serverSubscribed = false;
      record.confirmed = false;
      record.awaiting = false;
      record.presence.sessionEnded();
      refresh(record);
    }
  }

  function isActive(record: ChannelRecord): boolean {
    return record.handlers.size > 0 || record.signalHandlers.size > 0 || record.presence.active || record.occupancy.size > 0;
  }

  /** Subscribes (or resubscribes, which replays) from the resume point. */
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

  function activeChanged(record: ChannelRecord) {
    if (closed) return;
    if (isActive(record)) {
      ensureConnected();
      if (open && !record.serverSubscribed) subscribeOnServer(record);
      return;
    }
    if (record.unsubscribeScheduled) return;
    record.unsubscribeScheduled = true;
    queueMicrotask(() => {
      record.unsubscribeScheduled = false;
      if (!isActive(record)) endSubscription(record);
    });
  }

  function endSubscription(record: ChannelRecord) {
    if (record.serverSubscribed) send({ type: 'unsubscribe', channel: record.name });
    record.serverSubscribed = false;
    record.confirmed = false;
    record.awaiting = false;
    record.rewinding = false;
    record.stall = 0;
    record.epoch = undefined;
    record.cids.clear();
    clearTimeout(record.retry);
    record.retry = undefined;
    record.cursor.reset();
    record.presence.clearMembers();
    record.occupancy.set(null);
    refresh(record);
  }

  function refresh(record: ChannelRecord) {
    const subscribed = record.confirmed;
    const lastSeq = record.cursor.lastSeq ?? 0;
    const pending = outbox.pending(record.name);
    const { epoch } = record;
    record.state.set((previous) =>
      previous.subscribed === subscribed && previous.lastSeq === lastSeq && previous.pending === pending && previous.epoch === epoch
        ? previous
        : Object.freeze(epoch === undefined ? { subscribed, lastSeq, pending } : { subscribed, lastSeq, pending, epoch }),
    );
  }

  function deliver(record: ChannelRecord, messages: readonly ChannelMessage[]) {
    for (const message of messages) {
      // The same publish stored again after its log was lost (see CidWindow): delivered once already.
      if (message.cid !== undefined && record.cids.repeat(message.cid)) continue;
      const error = unreadable.get(message);
      if (error) {
        emitError(record, error);
        continue;
      }
      for (const entry of [...record.handlers]) {
        if (entry.event !== '*' && entry.event !== message.event) continue;
        try {
          entry.handler(message);
        } catch (error) {
          reportListenerError(error);
        }
      }
    }
  }

  function emit<T>(listeners: ReadonlySet<(value: T) => void>, value: T) {
    emitToListeners(listeners, value);
  }

  /** Errors nobody listens for are reported, never swallowed. */
  function emitError(record: ChannelRecord | undefined, error: RealtimeError) {
    if (record && record.errorListeners.size > 0) emit(record.errorListeners, error);
    else if (errorListeners.size > 0) emit(errorListeners, error);
    else reportListenerError(error);
  }

  // ---- incoming frames --------------------------------------------------------------------------------

  function onFrame(frame: ServerFrame) {
    if (closed) return;
    switch (frame.type) {
      case 'welcome':
        userId = typeof frame.userId === 'string' ? frame.userId : null;
        return;
      case 'pong':
        return;
      case 'signal':
        return onSignal(frame);
      case 'subscribed':
        return onSubscribed(frame.channel, frame.seq, frame.epoch);
      case 'reset':
        return onReset(frame.channel, frame.epoch);
      case 'occupancy': {
        const record = channels.get(frame.channel);
        if (record?.serverSubscribed) record.occupancy.set(Object.freeze({ connections: frame.connections, members: frame.members }));
        return;
      }
      case 'message':
        return onMessage(frame);
      case 'gap':
        return onGapFrame(frame.channel, frame.from, frame.to);
      case 'ack':
        return publisher.settle(frame.cid, frame.channel, { cid: frame.cid, id: frame.id, seq: frame.seq, ...(typeof frame.epoch === 'string' ? { epoch: frame.epoch } : {}) });
      case 'nack':
        return publisher.refuse(frame.cid, frame.channel, frame.error);
      case 'presence': {
        const record = channels.get(frame.channel);
        if (record?.serverSubscribed) record.presence.apply(frame);
        return;
      }
      case 'error': {
        const record = frame.channel === undefined ? undefined : channels.get(frame.channel);
        if (record && frame.error.code === 'unauthorized') {
          record.confirmed = false;
          record.awaiting = false;
          refresh(record);
        }
        const error = frameErrorToRealtimeError(frame.error, frame.channel);
        if (record && retrySubscribe(record, error)) {
          // Retried by itself: listeners may hear of it, nobody else needs to.
          if (record.errorListeners.size > 0) emit(record.errorListeners, error);
          else if (errorListeners.size > 0) emit(errorListeners, error);
          return;
        }
        emitError(record, error);
        return;
      }
      default: {
        const unknown: never = frame;
        emitError(undefined, new RealtimeError('bad_frame', `Unknown frame type "${String((unknown as { type?: unknown }).type)}" from the server: is the client older than the server?`));
      }
    }
  }

  function onSubscribed(name: string, seq: number, epoch: string | undefined) {
    const record = channels.get(name);
    if (!record?.serverSubscribed) return;
    record.confirmed = true;
    record.awaiting = false;
    record.rewinding = false;
    record.stall = 0;
    if (typeof epoch === 'string') record.epoch = epoch;
    const { deliver: ready, behind } = record.cursor.subscribed(seq);
    refresh(record);
    deliver(record, ready);
    // Replayed frames were lost (or are still behind a reordered `subscribed`): ask again.
    if (behind) resync(record);
  }

  function onMessage(frame: MessageFrame) {
    const record = channels.get(frame.channel);
    if (frame.cid !== undefined) {
      const epoch = record?.epoch;
      publisher.settle(frame.cid, frame.channel, { cid: frame.cid, id: frame.id, seq: frame.seq, ...(epoch ? { epoch } : {}) });
    }
    if (!record?.serverSubscribed) return;
    const message = toChannelMessage(frame);
    if (frame.error) unreadable.set(message, frameErrorToRealtimeError(frame.error, frame.channel));
    const { verdict, deliver: ready } = record.cursor.message(message);
    switch (verdict) {
      case 'delivered':
        record.stall = 0;
        refresh(record);
        deliver(record, ready);
        if (record.cursor.held > 0 && !record.awaiting) resync(record);
        return;
      case 'hole':
        record.stall += 1;
        if (!record.awaiting || record.stall >= RESYNC_STALL_FRAMES) resync(record);
        return;
      case 'waiting':
        // A rewind's messages come before its `subscribed`: waiting for it is expected, not a stall.
        if (record.rewinding) return;
        record.stall += 1;
        if (record.stall >= RESYNC_STALL_FRAMES) resync(record);
        return;
      case 'duplicate':
        return;
    }
  }

  function onSignal(frame: Extract<ServerFrame, { type: 'signal' }>) {
    const record = channels.get(frame.channel);
    if (!record?.serverSubscribed || record.signalHandlers.size === 0) return;
    const signal: ChannelSignal = Object.freeze({ channel: frame.channel, event: frame.event, data: frame.data, from: frame.from });
    for (const entry of [...record.signalHandlers]) {
      if (entry.event !== '*' && entry.event !== signal.event) continue;
      try {
        entry.handler(signal);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  function onGapFrame(name: string, from: number, to: number) {
    const record = channels.get(name);
    if (!record?.serverSubscribed) return;
    const { gap, deliver: ready } = record.cursor.gap(name, from, to);
    if (gap === null) return;
    record.stall = 0;
    refresh(record);
    emit(record.gapListeners, gap);
    deliver(record, ready);
  }

  /**
   * A subscribe refused for now (rate limited, or the server's store unavailable) is sent again after the wait the
   * server asked for (`retryAfterMs`), or a second: a client with many channels gets all of them back after a
   * reconnect, however its budget is spent. True when it will be retried.
   */
  function retrySubscribe(record: ChannelRecord, error: RealtimeError): boolean {
    if (error.code !== 'rate_limited' && error.code !== 'unavailable') return false;
    if (!record.serverSubscribed || record.confirmed) return false;
    record.awaiting = false;
    clearTimeout(record.retry);
    const wait = error.code === 'rate_limited' && error.retryAfterMs !== undefined ? Math.max(50, error.retryAfterMs) : SUBSCRIBE_RETRY_MS;
    record.retry = setTimeout(() => {
      record.retry = undefined;
      if (open && record.serverSubscribed && !record.confirmed && !record.awaiting) subscribeOnServer(record);
    }, wait);
    return true;
  }

  /** The server's log started over: what this client had after its resume point may be lost; the new log follows. */
  function onReset(name: string, epoch: string) {
    const record = channels.get(name);
    if (!record?.serverSubscribed || typeof epoch !== 'string') return;
    const lastSeq = record.cursor.lastSeq;
    // A client that followed a known log (an epoch, a resume point) may have lost what came after it.
    const lost = record.epoch !== undefined && record.epoch !== '' && lastSeq !== null;
    record.epoch = epoch;
    record.stall = 0;
    record.cursor.restart();
    refresh(record);
    if (lost) emit(record.gapListeners, Object.freeze({ channel: name, from: lastSeq + 1, to: Number.POSITIVE_INFINITY, reason: 'reset' as const }));
  }

  function resync(record: ChannelRecord) {
    if (!record.serverSubscribed) return;
    subscribeOnServer(record);
  }

  function createChannel(name: string, channelOptions: ChannelOptions): ChannelRecord {
    const record = createChannelRecord(name, rewindOf(channelOptions), {
      send,
      activeChanged: (target) => activeChanged(target),
      occupancyWatched(target) {
        // An open subscription asks again, now with counts.
        if (target.serverSubscribed && open) subscribeOnServer(target);
      },
      publish: (target, event, data, publishOptions) => publisher.publish(target.name, event, data, publishOptions),
      signal(target, event, data) {
        if (closed) return false;
        ensureConnected();
        return send({ type: 'signal', channel: target.name, event, data });
      },
      userId: () => userId,
      presenceGraceMs,
    });
    refresh(record);
    return record;
  }

  const client: RealtimeClient = {
    transport,
    subscribe,
    getSnapshot,
    channel<Events extends EventMap = EventMap>(name: string, channelOptions: ChannelOptions = {}): Channel<Events> {
      if (typeof name !== 'string' || name === '') throw new TypeError('client.channel(name): name must be a non-empty string.');
      let record = channels.get(name);
      if (!record) {
        record = createChannel(name, channelOptions);
        channels.set(name, record);
      } else if (!record.serverSubscribed && record.cursor.lastSeq === null) {
        record.rewind = Math.max(record.rewind, rewindOf(channelOptions));
      }
      return record.api as unknown as Channel<Events>;
    },
    onError(listener) {
      const entry = (error: RealtimeError) => listener(error);
      errorListeners.add(entry);
      return () => void errorListeners.delete(entry);
    },
    connect: ensureConnected,
    close() {
      if (closed) return;
      sessionEnded();
      closed = true;
      open = false;
      tap = null;
      setInspectable(inspectable, false);
      for (const off of stop.splice(0)) off();
      publisher.stop();
      const error = new RealtimeError('closed', 'The client was closed before the server stored this publish (a persistent outbox keeps it for the next client).');
      for (const queued of outbox.clear()) queued.settle?.reject(error);
      for (const record of channels.values()) refresh(record);
      transport.close();
    },
    get closed() {
      return closed;
    },
    get userId() {
      return userId;
    },
  };
  const inspectable: InspectableClient = {
    kind: 'client',
    client,
    channels: () => [...channels.values()].map((record) => record.api),
    outbox: () => outbox.size,
    inspect(next) {
      if (closed) return;
      tap = next;
      shown.set((n) => n + 1);
    },
  };
  return client;
}

function toChannelMessage(frame: MessageFrame): ChannelMessage {
  const { channel, id, seq, event, data, cid, at, from } = frame;
  return Object.freeze({
    channel,
    id,
    seq,
    event,
    data,
    ...(cid === undefined ? {} : { cid }),
    at,
    ...(typeof from === 'string' ? { from } : {}),
  });
}
