import type { RealtimeErrorCode } from '../../errors.js';
import { isRecord } from '../../lib/is-record.js';
import { safeText } from '../../lib/safe-json.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { PUSHER_PRESENCE_EVENT, PUSHER_SIGNAL_EVENT } from './pusher-constants.js';
import { entryFor, membersOf, type ChannelEntry, type PusherContext } from './pusher-context.js';
import { mentions } from './pusher-errors.js';
import { deliverEvent, deliverSignal } from './pusher-incoming.js';
import type { PusherPresence } from './pusher-presence.js';
import type { PusherPublisher } from './pusher-publish.js';

/** The channels half of the Pusher adapter: subscriptions on Pusher, held while the client or an outgoing needs them. */
export interface PusherChannels {
  subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>): void;
  unsubscribe(frame: Extract<ClientFrame, { type: 'unsubscribe' }>): void;
  /** Subscribes on Pusher (again after a refusal); pusher-js ignores a repeat while one is pending. */
  hold(entry: ChannelEntry): void;
  /** The session ended: nothing is subscribed on Pusher any more. */
  sessionEnded(): void;
  /** Tells the other tabs of this user on each presence channel that this one is gone; true when one went out. */
  sayGone(): boolean;
  /**
   * A Pusher error that names channels this adapter is subscribing: a refused signature. True when it was one
   * (the subscriptions failed with `unauthorized`).
   */
  refusedBySignature(message: string): boolean;
  /**
   * A Pusher error (`pusherCode`, `message`) as an `error` frame with our `code`: to the channel's `onError` when
   * the message names one the client uses, else to the client's.
   */
  reportPusherError(code: RealtimeErrorCode, pusherCode: number | null, message: string): void;
}

export interface PusherChannelParts {
  readonly presence: PusherPresence;
  /** Set late (the publisher needs `hold`): sends what waited for a subscription. */
  readonly publisher: () => PusherPublisher;
  /** Authorization failures seen by our own authorizer, by channel: pusher-js drops the status otherwise. */
  readonly authFailures: Map<string, { status: number; message: string }>;
}

export function createPusherChannels(context: PusherContext, parts: PusherChannelParts): PusherChannels {
  const { pusher } = context;
  const { presence, authFailures } = parts;

  function hold(entry: ChannelEntry) {
    if (entry.channel !== null) {
      if (!entry.channel.subscribed && !entry.channel.subscriptionPending) pusher.subscribe(entry.name);
      return;
    }
    const channel = pusher.subscribe(entry.name);
    entry.channel = channel;
    const handlers: [string, (data: unknown, metadata?: { user_id?: string }) => void][] = [
      ['pusher:subscription_succeeded', () => subscriptionSucceeded(entry)],
      ['pusher:subscription_error', (data) => subscriptionRefused(entry, data)],
      [PUSHER_PRESENCE_EVENT, (data, metadata) => presence.announcement(entry, data, metadata)],
      [PUSHER_SIGNAL_EVENT, (data, metadata) => deliverSignal(context, entry, data, metadata)],
      ['pusher:member_added', () => presence.membersChanged(entry)],
      [
        'pusher:member_removed',
        (member) => {
          if (isRecord(member) && member.id !== undefined) entry.tabs.delete(String(member.id));
          presence.membersChanged(entry);
        },
      ],
    ];
    const onEvent = (event: string, data: unknown) => deliverEvent(context, entry, event, data);
    for (const [event, handler] of handlers) channel.bind(event, handler);
    channel.bind_global(onEvent);
    entry.unbind = () => {
      for (const [event, handler] of handlers) channel.unbind(event, handler);
      channel.unbind_global(onEvent);
    };
    if (channel.subscribed) subscriptionSucceeded(entry);
  }

  const release = (entry: ChannelEntry) => releaseEntry(context, presence, entry);

  /** Unsubscribes once nothing needs the channel: the client left it and nothing waits to be sent on it. */
  function releaseIfIdle(entry: ChannelEntry) {
    if (!entry.wanted && entry.outgoing.length === 0 && entry.channel !== null) release(entry);
  }

  function subscriptionSucceeded(entry: ChannelEntry) {
    if (entry.channel === null) return;
    entry.ready = true;
    if (entry.kind === 'presence') {
      const members = membersOf(entry);
      const me = members?.myID;
      if ((typeof me === 'string' || typeof me === 'number') && String(me) !== context.userId())
        context.learnUserId(String(me));
      for (const id of [...entry.tabs.keys()]) if (members?.get(id) == null) entry.tabs.delete(id);
      presence.announce(entry, true);
    }
    parts.publisher().flush(entry);
    if (entry.wanted) confirm(context, presence, entry);
    releaseIfIdle(entry);
  }

  function subscriptionRefused(entry: ChannelEntry, data: unknown) {
    const status =
      isRecord(data) && typeof data.status === 'number' ? data.status : authFailures.get(entry.name)?.status;
    const detail =
      authFailures.get(entry.name)?.message ??
      (isRecord(data) && typeof data.error === 'string' ? data.error : safeText(data));
    authFailures.delete(entry.name);
    subscriptionFailed(
      entry,
      status === 403 ? 'forbidden' : 'unauthorized',
      `Pusher refused the subscription to "${entry.name}"${status === undefined ? '' : ` (authorization status ${status})`}: ${detail}`,
    );
  }

  function subscriptionFailed(entry: ChannelEntry, code: 'unauthorized' | 'forbidden', message: string) {
    entry.ready = false;
    // pusher-js leaves a refused subscription pending when Pusher refused it (not the auth endpoint): clear that
    // so the next subscribe asks again.
    if (entry.channel !== null) entry.channel.subscriptionPending = false;
    for (const item of entry.outgoing.splice(0)) {
      if (item.type === 'publish')
        context.emit({ type: 'nack', cid: item.frame.cid, channel: entry.name, error: { code, message } });
    }
    if (entry.wanted) context.emit({ type: 'error', channel: entry.name, error: { code, message } });
    else if (entry.channel !== null) release(entry);
  }

  function sayGoneOn(entry: ChannelEntry): boolean {
    // Other tabs of this user stay on Pusher's member list: tell them this one is gone.
    return (
      entry.channel?.trigger(PUSHER_PRESENCE_EVENT, {
        tab: context.tabId,
        entered: false,
        status: 'active',
        gone: true,
      }) ?? false
    );
  }

  return {
    hold,
    subscribe(frame) {
      const entry = entryFor(context, frame.channel);
      entry.wanted = true;
      if (frame.after !== undefined && frame.after > entry.seq) entry.seq = frame.after;
      if (entry.ready) return confirm(context, presence, entry);
      hold(entry);
    },
    unsubscribe(frame) {
      const entry = context.entries.get(frame.channel);
      if (!entry) return;
      entry.wanted = false;
      entry.synced = false;
      if (entry.kind === 'presence' && entry.ready) sayGoneOn(entry);
      entry.self = { ...entry.self, entered: false };
      releaseIfIdle(entry);
    },
    sessionEnded() {
      for (const entry of context.entries.values()) {
        entry.ready = false;
        entry.synced = false;
        // Our enter is sent again by the client on the next session; unsent publishes are re-sent from its outbox.
        entry.self = { ...entry.self, entered: false };
        entry.outgoing.length = 0;
        presence.clearUnannounced(entry);
        if (!entry.wanted && entry.channel !== null) release(entry);
      }
    },
    sayGone() {
      let told = false;
      for (const entry of context.entries.values()) {
        if (entry.kind !== 'presence' || !entry.ready || entry.channel === null) continue;
        told = sayGoneOn(entry) || told;
      }
      return told;
    },
    refusedBySignature(message) {
      if (!/signature/i.test(message)) return false;
      const failed = [...context.entries.values()].filter(
        (entry) => entry.channel !== null && !entry.ready && mentions(message, entry.name),
      );
      for (const entry of failed)
        subscriptionFailed(entry, 'unauthorized', `Pusher refused the subscription to "${entry.name}": ${message}`);
      return failed.length > 0;
    },
    reportPusherError(code, pusherCode, message) {
      const entry = [...context.entries.values()].find((candidate) => mentions(message, candidate.name));
      const error = { code, message: `Pusher error${pusherCode === null ? '' : ` ${pusherCode}`}: ${message}` };
      context.emit(entry?.wanted ? { type: 'error', channel: entry.name, error } : { type: 'error', error });
    },
  };
}

/** Lets go of the channel on Pusher and forgets what it knew of the channel's members. */
function releaseEntry(context: PusherContext, presence: PusherPresence, entry: ChannelEntry) {
  entry.unbind?.();
  entry.unbind = null;
  if (entry.channel !== null) context.pusher.unsubscribe(entry.name);
  entry.channel = null;
  entry.ready = false;
  entry.synced = false;
  entry.tabs.clear();
  entry.visible = new Map();
  presence.clearUnannounced(entry);
}

/** Tells the client the subscription is in place: presence first, then `subscribed` at the current count. */
function confirm(context: PusherContext, presence: PusherPresence, entry: ChannelEntry) {
  if (entry.kind === 'presence') {
    entry.visible = presence.computeMembers(entry);
    entry.synced = true;
    context.emit({ type: 'presence', channel: entry.name, action: 'sync', members: [...entry.visible.values()] });
  }
  context.emit({ type: 'subscribed', channel: entry.name, seq: entry.seq });
}
