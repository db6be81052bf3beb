import { createStore, type Store } from '../store.js';
import type { Channel, ChannelSignal } from './types.js';

/** The signal event typing indicators use. */
export const TYPING_EVENT = 'rk:typing';

/** Default of {@link TypingOptions.timeoutMs}. */
export const DEFAULT_TYPING_TIMEOUT_MS = 5000;
/** Default of {@link TypingOptions.throttleMs}. */
export const DEFAULT_TYPING_THROTTLE_MS = 2000;

export interface TypingOptions {
  /** A typist is dropped this long after their last signal (their tab closed, their network went). Default 5000 ms. */
  timeoutMs?: number;
  /** Keystrokes send at most one signal per this interval; keep it below `timeoutMs`. Default 2000 ms. */
  throttleMs?: number;
  /** Clock (injectable for tests). Default `Date.now`. */
  now?: () => number;
}

/** Who is typing on a channel (user ids, in the order they started, never yourself), and your side of it. */
export interface TypingIndicator extends Store<readonly string[]> {
  /** Call on every keystroke: tells the others you are typing, throttled. */
  keystroke(): void;
  /** You stopped (sent the message, cleared the field, left): the others stop showing you at once. */
  stop(): void;
}

interface TypingSignal {
  readonly typing: boolean;
}

const NOBODY: readonly string[] = /* @__PURE__ */ Object.freeze([]);

/**
 * A typing indicator over a channel's signals: ephemeral, never stored. Receivers drop a typist `timeoutMs` after
 * their last signal, so a closed tab never leaves someone "typing" forever; senders refresh it every `throttleMs`
 * while keys keep coming. Another tab of your own user typing is not shown to you.
 *
 * The channel is subscribed only while someone watches the store.
 * @example
 * const typing = createTypingIndicator(room)
 * input.addEventListener('input', () => typing.keystroke())
 * form.addEventListener('submit', () => typing.stop())
 * typing.subscribe(() => render(typing.getSnapshot()))   // ['ada', 'grace']
 */
export function createTypingIndicator(
  channel: Pick<Channel, 'signal' | 'onSignal' | 'userId'>,
  options: TypingOptions = {},
): TypingIndicator {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TYPING_TIMEOUT_MS;
  const throttleMs = options.throttleMs ?? DEFAULT_TYPING_THROTTLE_MS;
  const now = options.now ?? Date.now;
  if (!(timeoutMs > 0))
    throw new RangeError(`createTypingIndicator: timeoutMs must be > 0 (got ${String(timeoutMs)}).`);
  if (!(throttleMs >= 0))
    throw new RangeError(`createTypingIndicator: throttleMs must be >= 0 (got ${String(throttleMs)}).`);

  const expiries = new Map<string, ReturnType<typeof setTimeout>>();
  let off: (() => void) | null = null;
  /** When our last "typing" signal went out; null when the others see us as not typing. */
  let sentAt: number | null = null;

  const store = createStore<readonly string[]>(NOBODY, {
    onFirstSubscribe() {
      off = channel.onSignal<TypingSignal>(TYPING_EVENT, receive);
    },
    onLastUnsubscribe() {
      off?.();
      off = null;
      for (const timer of expiries.values()) clearTimeout(timer);
      expiries.clear();
      store.set(NOBODY);
    },
  });

  function publish() {
    store.set(expiries.size === 0 ? NOBODY : Object.freeze([...expiries.keys()]));
  }

  function remove(userId: string) {
    const timer = expiries.get(userId);
    if (timer === undefined) return;
    clearTimeout(timer);
    expiries.delete(userId);
    publish();
  }

  function receive(signal: ChannelSignal<TypingSignal>) {
    if (signal.from === channel.userId) return;
    if (signal.data?.typing !== true) return remove(signal.from);
    const known = expiries.get(signal.from);
    if (known !== undefined) clearTimeout(known);
    const timer = setTimeout(() => remove(signal.from), timeoutMs);
    (timer as { unref?: () => void }).unref?.();
    expiries.set(signal.from, timer);
    if (known === undefined) publish();
  }

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    keystroke() {
      const at = now();
      // Within the throttle the receivers' timers are still fresh; past `timeoutMs` they have dropped us.
      if (sentAt !== null && at - sentAt < throttleMs) return;
      if (channel.signal(TYPING_EVENT, { typing: true } satisfies TypingSignal)) sentAt = at;
    },
    stop() {
      if (sentAt === null) return;
      sentAt = null;
      channel.signal(TYPING_EVENT, { typing: false } satisfies TypingSignal);
    },
  };
}
