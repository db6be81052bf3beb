import type { RealtimeError } from '../errors.js';
import { addListener } from '../lib/add-listener.js';
import type { ClientFrame } from '../protocol/frames.js';
import { createStore, type WritableStore } from '../store.js';
import { createCidWindow, type CidWindow } from './cid-window.js';
import { createPresenceController, type PresenceController } from './presence.js';
import { createResumeCursor, type ResumeCursor } from './resume.js';
import type {
  Channel,
  ChannelGap,
  ChannelMessage,
  ChannelOccupancy,
  ChannelOptions,
  ChannelSignal,
  ChannelState,
  MessageRef,
  OutboxEntry,
  PublishOptions,
  PublishReceipt,
} from './types.js';

/** What an edit, deletion or reaction adds to a publish. */
export type MessageChange = Required<Pick<OutboxEntry, 'action' | 'target'>>;

type Handler = (message: ChannelMessage) => void;

/** A channel as the client keeps it: its listeners, resume cursor, presence and where it stands on the session. */
export interface ChannelRecord {
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
  /** The cids delivered lately, so a publish stored again in a new epoch is not delivered twice. */
  readonly cids: CidWindow;
  /** A refused subscribe (rate limited, store unavailable) waiting to be sent again. */
  retry: ReturnType<typeof setTimeout> | undefined;
}

/** What a channel needs from its client. */
export interface ChannelRecordHost {
  send(frame: ClientFrame): boolean;
  /** Whether the channel is used changed (a first or last listener, watcher or enter). */
  activeChanged(record: ChannelRecord): void;
  /** Someone started watching the occupancy. */
  occupancyWatched(record: ChannelRecord): void;
  publish(
    record: ChannelRecord,
    event: string,
    data: unknown,
    options?: PublishOptions,
    change?: MessageChange,
  ): Promise<PublishReceipt>;
  signal(record: ChannelRecord, event: string, data: unknown): boolean;
  userId(): string | null;
  readonly presenceGraceMs: number;
}

const INITIAL_CHANNEL_STATE: ChannelState = /* @__PURE__ */ Object.freeze({
  subscribed: false,
  lastSeq: 0,
  pending: 0,
});

/** A new channel record with its public {@link Channel} object. */
export function createChannelRecord(name: string, rewind: number, host: ChannelRecordHost): ChannelRecord {
  // The callbacks below run only once `record` (declared last, as it holds them) exists.
  const state = createStore<ChannelState>(INITIAL_CHANNEL_STATE);
  const occupancy = createStore<ChannelOccupancy | null>(null, {
    // Watching the counts subscribes the channel.
    onFirstSubscribe: () => {
      host.occupancyWatched(record);
      host.activeChanged(record);
    },
    onLastUnsubscribe: () => host.activeChanged(record),
  });
  const presence = createPresenceController({
    channel: name,
    send: host.send,
    onActiveChange: () => host.activeChanged(record),
    userId: host.userId,
    graceMs: host.presenceGraceMs,
  });

  /** Adds `entry` to `set`; the first one makes the channel used. Returns the (idempotent) removal. */
  function listen<T>(set: Set<T>, entry: T): () => void {
    set.add(entry);
    if (set.size === 1) host.activeChanged(record);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      if (set.size === 0) host.activeChanged(record);
    };
  }

  /** An edit, deletion or reaction: a publish under the message's event that names it as `target`. */
  function change(message: MessageRef, action: MessageChange['action'], data: unknown, options?: PublishOptions) {
    const [target, event] = typeof message === 'string' ? [message, 'message'] : [message.id, message.event];
    return host.publish(record, event, data, options, { action, target });
  }

  const api = {
    name,
    getSnapshot: state.getSnapshot,
    subscribe(first: string | (() => void), handler?: Handler): () => void {
      if (typeof first === 'function') return state.subscribe(first);
      if (typeof handler !== 'function')
        throw new TypeError(`channel("${name}").subscribe(event, handler): handler must be a function.`);
      return listen(record.handlers, { event: first, handler: (message: ChannelMessage) => handler(message) });
    },
    publish: (event: string, data: unknown, publishOptions?: PublishOptions) =>
      host.publish(record, event, data, publishOptions),
    edit: (message: MessageRef, data: unknown, options?: PublishOptions) => change(message, 'update', data, options),
    remove: (message: MessageRef, options?: PublishOptions) => change(message, 'delete', null, options),
    react: (message: MessageRef, reaction: string, options?: PublishOptions) =>
      change(message, 'reaction', { reaction, op: 'add' }, options),
    unreact: (message: MessageRef, reaction: string, options?: PublishOptions) =>
      change(message, 'reaction', { reaction, op: 'remove' }, options),
    signal(event: string, data?: unknown): boolean {
      if (typeof event !== 'string' || event === '')
        throw new TypeError(`channel("${name}").signal(event, data): event must be a non-empty string.`);
      return host.signal(record, event, data);
    },
    onSignal(event: string, handler: (signal: ChannelSignal) => void): () => void {
      if (typeof handler !== 'function')
        throw new TypeError(`channel("${name}").onSignal(event, handler): handler must be a function.`);
      return listen(record.signalHandlers, { event, handler: (signal: ChannelSignal) => handler(signal) });
    },
    get userId() {
      return host.userId();
    },
    onGap: (listener: (gap: ChannelGap) => void) => addListener(record.gapListeners, listener),
    onError: (listener: (error: RealtimeError) => void) => addListener(record.errorListeners, listener),
    presence: presence.presence,
    occupancy: { subscribe: occupancy.subscribe, getSnapshot: occupancy.getSnapshot },
  } as unknown as Channel;

  const record: ChannelRecord = {
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
    rewind,
    rewinding: false,
    occupancy,
    cids: createCidWindow(),
    retry: undefined,
  };
  return record;
}

/** Publishes the channel's state when it changed; an unchanged state keeps its snapshot, so watchers are not woken. */
export function refreshChannelState(record: ChannelRecord, pending: number) {
  const subscribed = record.confirmed;
  const lastSeq = record.cursor.lastSeq ?? 0;
  const { epoch } = record;
  record.state.set((previous) =>
    previous.subscribed === subscribed &&
    previous.lastSeq === lastSeq &&
    previous.pending === pending &&
    previous.epoch === epoch
      ? previous
      : Object.freeze(epoch === undefined ? { subscribed, lastSeq, pending } : { subscribed, lastSeq, pending, epoch }),
  );
}

/** `options.rewind` as a whole number, checked. */
export function rewindOf(options: ChannelOptions): number {
  const rewind = options.rewind ?? 0;
  if (typeof rewind !== 'number' || !Number.isFinite(rewind) || rewind < 0) {
    throw new RangeError(
      `client.channel(name, { rewind }): rewind must be a non-negative number (got ${String(rewind)}).`,
    );
  }
  return Math.floor(rewind);
}
