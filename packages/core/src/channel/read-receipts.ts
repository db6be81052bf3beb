import { createStore, type Store } from '../store.js';
import type { Channel, ChannelSignal, ChannelState } from './types.js';

/** The signal event read receipts use. */
export const READ_EVENT = 'rk:read';

/** How long a client waits before re-announcing its receipt to newcomers (coalesces a burst of joins). */
export const RECEIPT_ANNOUNCE_DELAY_MS = 250;

/** Each member's last-read message id, by user id (yours under your own user id). */
export type ReadReceiptMap = ReadonlyMap<string, string>;

export interface ReadReceiptsOptions {
  /** Receipts you already know (from your database), by user id: shown until a newer one arrives. */
  initial?: Readonly<Record<string, string>>;
}

export interface ReadReceipts extends Store<ReadReceiptMap> {
  /** You have read up to message `id`: the others see it at once (and every newcomer once they join). */
  markRead(id: string): void;
  /** Your own last-read id (null before the first `markRead`). */
  lastRead(): string | null;
}

interface ReadSignal {
  readonly id: string;
}

/** The user id receipts are kept under for yourself before the server has said who you are. */
const SELF = '';

/**
 * Read receipts over a channel's signals ("Seen by …"). Ephemeral like typing, with two additions so a receipt is
 * not lost: yours is sent again whenever the channel is (re)subscribed — after a reconnect, or if you marked a
 * message read while offline — and whenever a new member enters presence, so a newcomer learns everyone's receipt.
 * Receipts of members who left stay in the map; seed older ones with `initial` from your own storage.
 *
 * The channel is subscribed only while someone watches the store.
 * @example
 * const receipts = createReadReceipts(room)
 * receipts.markRead(lastVisibleMessage.id)
 * receipts.getSnapshot().get('ada')   // the last message Ada has read
 */
export function createReadReceipts(
  channel: Pick<Channel, 'signal' | 'onSignal' | 'userId' | 'presence' | 'subscribe' | 'getSnapshot'>,
  options: ReadReceiptsOptions = {},
): ReadReceipts {
  let own: string | null = null;
  let stop: (() => void)[] = [];
  let announceTimer: ReturnType<typeof setTimeout> | null = null;
  const store = createStore<ReadReceiptMap>(new Map(Object.entries(options.initial ?? {})), {
    onFirstSubscribe() {
      let known = new Set(channel.presence.getSnapshot().map((member) => member.userId));
      let state: ChannelState = channel.getSnapshot();
      stop = [
        channel.onSignal<ReadSignal>(READ_EVENT, receive),
        channel.subscribe(() => {
          const next = channel.getSnapshot();
          if (next.subscribed && !state.subscribed) announceSoon();
          state = next;
        }),
        channel.presence.subscribe(() => {
          const members = channel.presence.getSnapshot();
          const ids = new Set(members.map((member) => member.userId));
          for (const id of ids) if (!known.has(id) && id !== channel.userId) announceSoon();
          known = ids;
        }),
      ];
      if (state.subscribed) announceSoon();
    },
    onLastUnsubscribe() {
      for (const off of stop.splice(0)) off();
      if (announceTimer !== null) clearTimeout(announceTimer);
      announceTimer = null;
    },
  });

  function set(userId: string, id: string) {
    store.set((previous) => {
      if (previous.get(userId) === id) return previous;
      const next = new Map(previous);
      next.set(userId, id);
      return next;
    });
  }

  function receive(signal: ChannelSignal<ReadSignal>) {
    const id = signal.data?.id;
    if (typeof id !== 'string' || id === '') return;
    set(signal.from, id);
  }

  function announce() {
    announceTimer = null;
    if (own !== null) channel.signal(READ_EVENT, { id: own } satisfies ReadSignal);
  }

  function announceSoon() {
    if (own === null || announceTimer !== null) return;
    announceTimer = setTimeout(announce, RECEIPT_ANNOUNCE_DELAY_MS);
    (announceTimer as { unref?: () => void }).unref?.();
  }

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    lastRead: () => own,
    markRead(id) {
      if (typeof id !== 'string' || id === '') throw new TypeError('markRead(id): id must be a non-empty message id.');
      if (id === own) return;
      own = id;
      set(channel.userId ?? SELF, id);
      // Offline, it goes out with the next subscription's announce.
      channel.signal(READ_EVENT, { id } satisfies ReadSignal);
    },
  };
}
