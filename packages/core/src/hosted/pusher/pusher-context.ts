import type Pusher from 'pusher-js';
import type { Channel as PusherChannel, Members, PresenceChannel } from 'pusher-js';
import type { RealtimeError } from '../../errors.js';
import type { ClientFrame, PresenceMember, PresenceStatus, ServerFrame } from '../../protocol/frames.js';

type ChannelKind = 'public' | 'private' | 'presence';

/** One connection's (tab's) presence on a channel, as it announced it. */
interface TabPresence {
  readonly entered: boolean;
  readonly data: unknown;
  readonly status: PresenceStatus;
  /** Local order of arrival: the newest entered tab's data is the member's data. */
  readonly order: number;
}

export type Outgoing =
  | { readonly type: 'publish'; readonly frame: Extract<ClientFrame, { type: 'publish' }> }
  | { readonly type: 'signal'; readonly frame: Extract<ClientFrame, { type: 'signal' }> };

/** What the adapter keeps per channel the client uses (subscribed to, or published on). */
export interface ChannelEntry {
  readonly name: string;
  readonly kind: ChannelKind;
  /** Messages delivered on this channel, numbered 1, 2, 3, … (Pusher has no sequence of its own). */
  seq: number;
  /** The channel client subscribed (and has not unsubscribed). */
  wanted: boolean;
  /** The pusher-js channel while we hold a subscription to it (for the client, or to send). */
  channel: PusherChannel | null;
  unbind: (() => void) | null;
  /** Pusher confirmed the subscription on the current connection. */
  ready: boolean;
  /** Publishes and signals waiting for `ready`, in order. */
  readonly outgoing: Outgoing[];
  /** The presence `sync` went to the client on this subscription: changes go out as enter/update/leave. */
  synced: boolean;
  self: TabPresence;
  /** Other tabs' presence: user id → tab id → what it announced. */
  readonly tabs: Map<string, Map<string, TabPresence>>;
  /** Members reported by Pusher who have not announced yet: user id → when first seen. */
  readonly unannounced: Map<string, number>;
  unannouncedTimer: ReturnType<typeof setTimeout> | null;
  /** What the client was last told. */
  visible: Map<string, PresenceMember>;
}

/** What the parts of the Pusher adapter share. */
export interface PusherContext {
  readonly pusher: Pusher;
  /** This transport's id in presence announcements: stable across reconnects, so a tab replaces its own entry. */
  readonly tabId: string;
  readonly entries: Map<string, ChannelEntry>;
  emit(frame: ServerFrame): void;
  /** A message that could not be used: to `onError` listeners, else `console.warn`. */
  reportError(error: RealtimeError): void;
  /** Who this client is: the `userId` option, else what the first presence channel's `members.me` said. */
  userId(): string | null;
  /** Pusher named this client on a presence channel: a new `welcome` tells the client. */
  learnUserId(userId: string): void;
  /** The next local arrival number of a presence announcement. */
  nextOrder(): number;
}

/** The entry of channel `name`, made on first use. */
export function entryFor(context: PusherContext, name: string): ChannelEntry {
  let entry = context.entries.get(name);
  if (!entry) {
    entry = {
      name,
      kind: name.startsWith('presence-') ? 'presence' : name.startsWith('private-') ? 'private' : 'public',
      seq: 0,
      wanted: false,
      channel: null,
      unbind: null,
      ready: false,
      outgoing: [],
      synced: false,
      self: { entered: false, data: undefined, status: 'active', order: 0 },
      tabs: new Map(),
      unannounced: new Map(),
      unannouncedTimer: null,
      visible: new Map(),
    };
    context.entries.set(name, entry);
  }
  return entry;
}

/** Pusher's member list of a presence channel we hold; null for other channels. */
export function membersOf(entry: ChannelEntry): Members | null {
  if (entry.kind !== 'presence' || entry.channel === null) return null;
  return (entry.channel as PresenceChannel).members ?? null;
}
