import { setInspectable, type ClientTap, type InspectableClient } from '../devtools/registry.js';
import { RealtimeError, isRealtimeError } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import { emitToListeners, reportListenerError } from '../lib/report-listener-error.js';
import { createOutboxQueue, type QueuedPublish } from '../outbox/outbox-queue.js';
import { frameErrorToRealtimeError } from '../protocol/frame-error.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { createStore, type WritableStore } from '../store.js';
import { DEFAULT_PRESENCE_GRACE_MS, createPresenceController, type PresenceController } from './presence.js';
import { createResumeCursor, type ResumeCursor } from './resume.js';
import type {
  Channel,
  ChannelGap,
  ChannelMessage,
  ChannelOccupancy,
  ChannelOptions,
  ChannelSignal,
  ChannelState,
  EventMap,
  PublishOptions,
  PublishReceipt,
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

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;
type Handler = (message: ChannelMessage) => void;

interface ChannelRecord {
  readonly name: string;
  readonly api: Channel;
  /** One entry per `subscribe(event, handler)` call, in subscription order. */
  readonly handlers: Set<{ readonly event: string; readonly handler: Handler }>;
  readonly signalHandlers: Set<{ readonly event: string; readonly handler: (signal: ChannelSignal) => void }>;
  readonly gapListeners: Set<(gap: ChannelGap) => void>;
  readonly errorListeners: Set<(error: RealtimeError) => void>;
  readonly cursor: ResumeCursor<ChannelMessage>;
  readonly state: WritableStore<ChannelState>;
  readonly presence: PresenceController;
  /** A `subscribe` went out on the current session (and no `unsubscribe` since). */
  serverSubscribed: boolean;
  /** The server's `subscribed` arrived on the current session. */
  confirmed: boolean;
  /** A `subscribe` (first one or a resync) is waiting for its `subscribed`. */
  awaiting: boolean;
  /** Messages held since the last progress, to detect a lost resync. */
  stall: number;
  unsubscribeScheduled: boolean;
  /** The epoch `cursor.lastSeq` counts in (from `subscribed`/`reset`); undefined before the server told. */
  epoch: string | undefined;
  /** Stored messages the first subscription asks for (`ChannelOptions.rewind`). */
  rewind: number;
  /** A subscribe with `rewind` awaits its `subscribed`: the replayed messages arrive before the resume point does. */
  rewinding: boolean;
  readonly occupancy: WritableStore<ChannelOccupancy | null>;
}

const INITIAL_CHANNEL_STATE: ChannelState = Object.freeze({ subscribed: false, lastSeq: 0, pending: 0 });

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

  const outbox = createOutboxQueue({
    storage: options.outbox,
    onStorageError: reportListenerError,
    onLoaded(names) {
      for (const name of names) {
        const record = channels.get(name);
        if (record) refresh(record);
      }
      if (names.size > 0) ensureConnected();
      flush();
    },
  });

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
    record.cursor.reset();
    record.presence.clearMembers();
    record.occupancy.set(null);
    refresh(record);
  }

  function refresh(record: ChannelRecord) {
    const subscribed = record.confirmed;
    const lastSeq = record.cursor.lastSeq ?? 0;
    const pending = outbox.pending(record.name);
    record.state.set((previous) =>
      previous.subscribed === subscribed && previous.lastSeq === lastSeq && previous.pending === pending
        ? previous
        : Object.freeze({ subscribed, lastSeq, pending }),
    );
  }

  function deliver(record: ChannelRecord, messages: readonly ChannelMessage[]) {
    for (const message of messages) {
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
        return settle(frame.cid, frame.channel, { cid: frame.cid, id: frame.id, seq: frame.seq });
      case 'nack': {
        const queued = outbox.remove(frame.cid);
        if (!queued) return;
        const record = channels.get(queued.entry.channel);
        if (record) refresh(record);
        const error = frameErrorToRealtimeError(frame.error, frame.channel);
        if (queued.settle) queued.settle.reject(error);
        else emitError(record, error);
        return;
      }
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
        emitError(record, frameErrorToRealtimeError(frame.error, frame.channel));
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
    if (frame.cid !== undefined) settle(frame.cid, frame.channel, { cid: frame.cid, id: frame.id, seq: frame.seq });
    const record = channels.get(frame.channel);
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

  function settle(cid: string, channel: string, receipt: PublishReceipt) {
    const queued = outbox.get(cid);
    if (!queued || queued.entry.channel !== channel) return;
    outbox.remove(cid);
    const record = channels.get(channel);
    if (record) refresh(record);
    queued.settle?.resolve(receipt);
  }

  // ---- outbox ---------------------------------------------------------------------------------------------

  function flush() {
    if (!open || !outbox.ready || closed) return;
    for (const queued of outbox.inOrder()) {
      if (queued.sent) continue;
      const { cid, channel, event, data } = queued.entry;
      let sent: boolean;
      try {
        sent = transmit({ type: 'publish', channel, event, data, cid });
      } catch (cause) {
        // The transport could not encode it (e.g. not JSON-serialisable): this one fails, the rest go on.
        outbox.remove(cid);
        const record = channels.get(channel);
        if (record) refresh(record);
        const error = isRealtimeError(cause)
          ? cause
          : new RealtimeError('invalid_payload', `The publish of "${event}" on "${channel}" could not be sent: ${String(cause)}`, { cause });
        if (queued.settle) queued.settle.reject(error);
        else emitError(record, error);
        continue;
      }
      if (!sent) return;
      queued.sent = true;
    }
  }

  function publish(record: ChannelRecord, event: string, data: unknown, publishOptions: PublishOptions = {}): Promise<PublishReceipt> {
    if (closed) {
      return Promise.reject(new RealtimeError('closed', `Cannot publish on "${record.name}": this client was closed. Create a new client.`));
    }
    const cid = publishOptions.cid ?? createId();
    const existing = outbox.get(cid);
    if (existing) return attachPromise(existing);
    if (outbox.size >= maxQueued) {
      return Promise.reject(
        new RealtimeError(
          'outbox_full',
          `Publish on "${record.name}" refused: ${outbox.size} publishes already wait for the server (maxQueued ${maxQueued}). Nothing was dropped; retry once the connection is back, or raise maxQueued.`,
        ),
      );
    }
    const { promise, settle: handlers } = deferred();
    outbox.add({ cid, channel: record.name, event, data, createdAt: outbox.nextCreatedAt(now()) }, handlers, promise);
    refresh(record);
    ensureConnected();
    flush();
    return promise;
  }

  /** A repeat publish of a waiting `cid` shares its promise (one restored from storage gets one now). */
  function attachPromise(queued: QueuedPublish): Promise<PublishReceipt> {
    if (queued.promise) return queued.promise;
    const { promise, settle: handlers } = deferred();
    queued.promise = promise;
    queued.settle = handlers;
    return promise;
  }

  // ---- channels -------------------------------------------------------------------------------------------

  function createChannel(name: string, channelOptions: ChannelOptions): ChannelRecord {
    const state = createStore<ChannelState>(INITIAL_CHANNEL_STATE);
    const occupancy = createStore<ChannelOccupancy | null>(null, {
      // Watching the counts subscribes the channel; an open subscription asks again, now with counts.
      onFirstSubscribe: () => {
        if (record.serverSubscribed && open) subscribeOnServer(record);
        activeChanged(record);
      },
      onLastUnsubscribe: () => activeChanged(record),
    });
    let record!: ChannelRecord;
    const presence = createPresenceController({
      channel: name,
      send,
      onActiveChange: () => activeChanged(record),
      userId: () => userId,
      graceMs: presenceGraceMs,
    });

    function subscribeEvent(event: string, handler: Handler): () => void {
      const entry = { event, handler: (message: ChannelMessage) => handler(message) };
      record.handlers.add(entry);
      if (record.handlers.size === 1) activeChanged(record);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        record.handlers.delete(entry);
        if (record.handlers.size === 0) activeChanged(record);
      };
    }

    const api = {
      name,
      getSnapshot: state.getSnapshot,
      subscribe(first: string | (() => void), handler?: Handler): () => void {
        if (typeof first === 'function') return state.subscribe(first);
        if (typeof handler !== 'function') throw new TypeError(`channel("${name}").subscribe(event, handler): handler must be a function.`);
        return subscribeEvent(first, handler);
      },
      publish: (event: string, data: unknown, publishOptions?: PublishOptions) => publish(record, event, data, publishOptions),
      signal(event: string, data?: unknown): boolean {
        if (typeof event !== 'string' || event === '') throw new TypeError(`channel("${name}").signal(event, data): event must be a non-empty string.`);
        if (closed) return false;
        ensureConnected();
        return send({ type: 'signal', channel: name, event, data });
      },
      onSignal(event: string, handler: (signal: ChannelSignal) => void): () => void {
        if (typeof handler !== 'function') throw new TypeError(`channel("${name}").onSignal(event, handler): handler must be a function.`);
        const entry = { event, handler: (signal: ChannelSignal) => handler(signal) };
        record.signalHandlers.add(entry);
        if (record.signalHandlers.size === 1) activeChanged(record);
        let active = true;
        return () => {
          if (!active) return;
          active = false;
          record.signalHandlers.delete(entry);
          if (record.signalHandlers.size === 0) activeChanged(record);
        };
      },
      get userId() {
        return userId;
      },
      onGap(listener: (gap: ChannelGap) => void) {
        const entry = (gap: ChannelGap) => listener(gap);
        record.gapListeners.add(entry);
        return () => void record.gapListeners.delete(entry);
      },
      onError(listener: (error: RealtimeError) => void) {
        const entry = (error: RealtimeError) => listener(error);
        record.errorListeners.add(entry);
        return () => void record.errorListeners.delete(entry);
      },
      presence: presence.presence,
      occupancy: { subscribe: occupancy.subscribe, getSnapshot: occupancy.getSnapshot },
    } as unknown as Channel;

    record = {
      name,
      api,
      handlers: new Set(),
      signalHandlers: new Set(),
      gapListeners: new Set(),
      errorListeners: new Set(),
      cursor: createResumeCursor<ChannelMessage>(),
      state,
      presence,
      serverSubscribed: false,
      confirmed: false,
      awaiting: false,
      stall: 0,
      unsubscribeScheduled: false,
      epoch: undefined,
      rewind: rewindOf(channelOptions),
      rewinding: false,
      occupancy,
    };
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

function deferred(): { promise: Promise<PublishReceipt>; settle: NonNullable<QueuedPublish['settle']> } {
  let resolve!: (receipt: PublishReceipt) => void;
  let reject!: (error: RealtimeError) => void;
  const promise = new Promise<PublishReceipt>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, settle: { resolve, reject } };
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

function rewindOf(options: ChannelOptions): number {
  const rewind = options.rewind ?? 0;
  if (typeof rewind !== 'number' || !Number.isFinite(rewind) || rewind < 0) {
    throw new RangeError(`client.channel(name, { rewind }): rewind must be a non-negative number (got ${String(rewind)}).`);
  }
  return Math.floor(rewind);
}
