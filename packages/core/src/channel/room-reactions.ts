import { createStore, type Store } from '../store.js';
import type { Channel, ChannelSignal } from './types.js';

/** The signal event room reactions use. */
export const ROOM_REACTION_EVENT = 'rk:reaction';
/** Default of {@link RoomReactionsOptions.throttleMs}. */
export const DEFAULT_ROOM_REACTION_THROTTLE_MS = 150;
/** Default of {@link RoomReactionsOptions.showMs}. */
export const DEFAULT_ROOM_REACTION_SHOW_MS = 3000;
/** Most reactions shown at once: a flood from many senders shows the newest. */
const MAX_SHOWN = 50;
/** Most characters of one reaction (an emoji, a short word); longer ones from others are dropped. */
const MAX_REACTION_LENGTH = 32;

export interface RoomReactionsOptions {
  /** Sends at most one reaction per this interval; more return false. Default 150 ms. */
  throttleMs?: number;
  /** How long a reaction stays in the list (its animation's length). Default 3000 ms. */
  showMs?: number;
  /** Clock (injectable for tests). Default `Date.now`. */
  now?: () => number;
}

/** One reaction sent to the room: shown for a while, never stored. */
export interface RoomReaction {
  /** Unique within this client: a React key. */
  readonly key: number;
  readonly reaction: string;
  /** Who sent it (the server's user id, or its connection id when anonymous); your own sends have `own: true`. */
  readonly from: string;
  readonly own: boolean;
  readonly at: number;
}

/** The reactions sent to a room lately, yours included, and your side of it. */
export interface RoomReactions extends Store<readonly RoomReaction[]> {
  /** Sends `reaction` to everyone in the room (shown here at once). False when throttled or not connected. */
  send(reaction: string): boolean;
}

const NONE: readonly RoomReaction[] = /* @__PURE__ */ Object.freeze([]);

/**
 * Room reactions (a floating 👏 everyone sees): ephemeral signals, never stored or replayed. Each one stays in the
 * list for `showMs`, at most 50 at once; sends are throttled to one per `throttleMs` so holding a key cannot flood
 * the room. The channel is subscribed only while someone watches the store.
 * @example
 * const reactions = createRoomReactions(room)
 * button.onclick = () => reactions.send('👏')
 * reactions.subscribe(() => render(reactions.getSnapshot()))
 */
export function createRoomReactions(
  channel: Pick<Channel, 'signal' | 'onSignal' | 'userId'>,
  options: RoomReactionsOptions = {},
): RoomReactions {
  const throttleMs = options.throttleMs ?? DEFAULT_ROOM_REACTION_THROTTLE_MS;
  const showMs = options.showMs ?? DEFAULT_ROOM_REACTION_SHOW_MS;
  const now = options.now ?? Date.now;
  if (!(throttleMs >= 0))
    throw new RangeError(`createRoomReactions: throttleMs must be >= 0 (got ${String(throttleMs)}).`);
  if (!(showMs > 0)) throw new RangeError(`createRoomReactions: showMs must be > 0 (got ${String(showMs)}).`);

  let off: (() => void) | null = null;
  let sentAt = Number.NEGATIVE_INFINITY;
  let keys = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const store = createStore<readonly RoomReaction[]>(NONE, {
    onFirstSubscribe() {
      off = channel.onSignal<{ reaction?: unknown }>(ROOM_REACTION_EVENT, receive);
    },
    onLastUnsubscribe() {
      off?.();
      off = null;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      store.set(NONE);
    },
  });

  function show(reaction: string, from: string, own: boolean) {
    const entry: RoomReaction = Object.freeze({ key: (keys += 1), reaction, from, own, at: now() });
    store.set((list) => Object.freeze([...list, entry].slice(-MAX_SHOWN)));
    const timer = setTimeout(() => {
      timers.delete(timer);
      store.set((list) => {
        const rest = list.filter((shown) => shown !== entry);
        return rest.length === 0 ? NONE : Object.freeze(rest);
      });
    }, showMs);
    timers.add(timer);
  }

  function receive(signal: ChannelSignal<{ reaction?: unknown }>) {
    const reaction = signal.data?.reaction;
    if (typeof reaction !== 'string' || reaction === '' || reaction.length > MAX_REACTION_LENGTH) return;
    show(reaction, signal.from, false);
  }

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    send(reaction) {
      if (typeof reaction !== 'string' || reaction === '' || reaction.length > MAX_REACTION_LENGTH) {
        throw new RangeError(`createRoomReactions: a reaction is a string of 1 to ${MAX_REACTION_LENGTH} characters.`);
      }
      const time = now();
      if (time - sentAt < throttleMs) return false;
      if (!channel.signal(ROOM_REACTION_EVENT, { reaction })) return false;
      sentAt = time;
      if (off !== null) show(reaction, channel.userId ?? '', true);
      return true;
    },
  };
}
