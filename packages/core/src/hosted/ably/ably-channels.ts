import type * as Ably from 'ably';
import type { ClientFrame } from '../../protocol/frames.js';
import { createSeenIds } from '../shared/seen-ids.js';
import type { AblyContext, ChannelEntry } from './ably-context.js';
import { describeAblyError, isConnectionError, mapAblyError } from './ably-errors.js';
import type { AblyMessages } from './ably-messages.js';
import type { AblyPresence } from './ably-presence.js';
import { ABLY_SIGNAL_NAME } from './ably-types.js';

/** The channels half of the Ably adapter: attaching, our listeners on Ably channels, and resubscribes with replay. */
export interface AblyChannels {
  entryFor(name: string): ChannelEntry;
  subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>): void;
  unsubscribe(frame: Extract<ClientFrame, { type: 'unsubscribe' }>): void;
}

export interface AblyChannelParts {
  readonly messages: AblyMessages;
  readonly presence: AblyPresence;
  readonly recover: (entry: ChannelEntry) => Promise<void>;
}

export function createAblyChannels(context: AblyContext, parts: () => AblyChannelParts): AblyChannels {
  function entryFor(name: string): ChannelEntry {
    const existing = context.channels.get(name);
    if (existing) return existing;
    // Assigned below; the handlers defined first read it only once messages flow.
    // eslint-disable-next-line prefer-const
    let entry!: ChannelEntry;
    const onMessage = (message: Ably.InboundMessage) => {
      if (!entry.active) return;
      if (message.name === ABLY_SIGNAL_NAME) return parts().messages.receiveSignal(entry, message);
      if (entry.recovering) {
        entry.pendingLive.push(message);
        return;
      }
      parts().messages.deliver(entry, message);
    };
    const onPresence = (message: Ably.PresenceMessage) => {
      if (entry.active) parts().presence.apply(entry, message);
    };
    const onState = (change: Ably.ChannelStateChange) => {
      if (!entry.active || change.current !== 'attached') return;
      if (entry.attachedAt === null) {
        entry.attachedAt = Date.now();
        return;
      }
      // Re-attached (or an `update` while attached) without continuity: fill the gap from history.
      if (!change.resumed) void parts().recover(entry);
    };
    entry = {
      name,
      ably: context.ably.channels.get(name),
      counter: 0,
      log: [],
      seen: createSeenIds(context.settings.seenLimit),
      delivered: new Map(),
      awaitingEcho: new Map(),
      lastSeen: null,
      attachedAt: null,
      active: false,
      generation: 0,
      recovering: false,
      recoverAgain: false,
      pendingLive: [],
      members: new Map(),
      own: null,
      onMessage,
      onPresence,
      onState,
    };
    context.channels.set(name, entry);
    return entry;
  }

  function activate(entry: ChannelEntry): Promise<unknown> {
    if (entry.active) return entry.ably.attach();
    entry.active = true;
    entry.generation += 1;
    entry.attachedAt = entry.ably.state === 'attached' ? Date.now() : null;
    entry.ably.on(entry.onState);
    // Both attach the channel (Ably's default attachOnSubscribe); the listeners stay registered if that fails.
    return Promise.all([entry.ably.subscribe(entry.onMessage), entry.ably.presence.subscribe(entry.onPresence)]);
  }

  function deactivate(entry: ChannelEntry) {
    if (!entry.active) return;
    entry.active = false;
    entry.generation += 1;
    entry.ably.off(entry.onState);
    entry.ably.unsubscribe(entry.onMessage);
    entry.ably.presence.unsubscribe(entry.onPresence);
    entry.lastSeen = null;
    entry.attachedAt = null;
    entry.recovering = false;
    entry.recoverAgain = false;
    entry.pendingLive.length = 0;
    entry.members.clear();
    if (entry.own === null) entry.ably.detach().catch(() => {});
  }

  /** Attaches (retrying while Ably does), syncs presence, replays what the client missed, then `subscribed`. */
  async function subscribe(entry: ChannelEntry, after: number | undefined) {
    if (after !== undefined && after > entry.counter) entry.counter = after;
    const generation = entry.active ? entry.generation : entry.generation + 1;
    for (;;) {
      try {
        await activate(entry);
        if (entry.generation !== generation) return;
        await parts().presence.sync(entry, generation);
        break;
      } catch (cause) {
        if (entry.generation !== generation || !context.isOpen() || isConnectionError(cause)) return;
        const code = mapAblyError(cause, 'unavailable');
        if (code === 'unauthorized' || code === 'token_expired' || code === 'forbidden') {
          const message = `Ably refused to attach "${entry.name}" (${describeAblyError(cause)}). Check the capabilities of the token your authUrl/authCallback returns.`;
          context.emit({
            type: 'error',
            channel: entry.name,
            error: { code: code === 'forbidden' ? 'forbidden' : 'unauthorized', message },
          });
          return;
        }
        // A transient refusal (an attach timeout, a suspended channel): Ably attaches again by itself; finish then.
        if (!(await attachedAgain(entry, generation))) return;
      }
    }
    if (entry.generation !== generation) return;
    if (after !== undefined && after < entry.counter) replay(entry, after);
    context.emit({ type: 'subscribed', channel: entry.name, seq: entry.counter });
  }

  /** Resolves true when `entry`'s channel is attached next, false when the subscription ended first. */
  function attachedAgain(entry: ChannelEntry, generation: number): Promise<boolean> {
    return new Promise((resolve) => {
      const listener = (change: Ably.ChannelStateChange) => {
        if (entry.generation !== generation) finish(false);
        else if (change.current === 'attached') finish(true);
        else if (change.current === 'detached' || change.current === 'failed') finish(false);
      };
      const finish = (value: boolean) => {
        entry.ably.off(listener);
        resolve(value);
      };
      entry.ably.on(listener);
    });
  }

  /** Re-sends what this client missed after `after` from the log, or a `gap` for what the log no longer holds. */
  function replay(entry: ChannelEntry, after: number) {
    const first = entry.log[0]?.seq ?? entry.counter + 1;
    if (first > after + 1) context.emit({ type: 'gap', channel: entry.name, from: after + 1, to: first - 1 });
    for (const frame of entry.log) if (frame.seq > after) context.emit(frame);
  }

  return {
    entryFor,
    subscribe(frame) {
      void subscribe(entryFor(frame.channel), frame.after);
    },
    unsubscribe(frame) {
      const entry = context.channels.get(frame.channel);
      if (entry) deactivate(entry);
    },
  };
}
