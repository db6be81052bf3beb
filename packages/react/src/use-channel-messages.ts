import { useEffect, useMemo } from 'react';
import {
  applyMessage,
  createMessageBuffer,
  type Channel,
  type ChannelMessage,
  type EventMap,
  type Throttle,
} from '@realtime-kit/core';
import { useGapListener, type ChannelGapOptions } from './lib/use-gap-listener.js';
import { useStore } from './lib/use-store.js';

/** Options for {@link useChannelMessages}. */
export interface UseChannelMessagesOptions extends ChannelGapOptions {
  /** Keep at most this many messages (the newest). Default 1000. */
  maxMessages?: number;
  /** How often new messages commit: `'frame'` (default, at most once per animation frame), a number of ms, or `false` (every message). */
  throttle?: Throttle;
  /**
   * Edits, deletions and reactions change the messages they target (`applyMessage`) instead of being listed. Default
   * true; false lists every message as it came.
   */
  foldChanges?: boolean;
}

const EMPTY_SNAPSHOT = /* @__PURE__ */ Object.freeze({
  messages: /* @__PURE__ */ Object.freeze([]) as readonly never[],
  latest: undefined,
  total: 0,
});

/**
 * The messages of `event` (or every event, with `'*'`) received on `channel` since mount, oldest first.
 * Bursts are batched through core's message buffer: at most one render per animation frame by default,
 * and no message is ever skipped in between (only trimmed to `maxMessages`). What the server could not deliver
 * (a trimmed log, a log that started over) reaches `onGap`.
 * @example
 * const messages = useChannelMessages(room, 'message', { maxMessages: 200 })
 * return <ul>{messages.map((m) => <li key={m.id}>{m.data.text}</li>)}</ul>
 * @example
 * const [gap, setGap] = useState<ChannelGap | null>(null)
 * const messages = useChannelMessages(room, 'message', { onGap: setGap })
 * {gap && <p role="status">You may have missed messages</p>}
 */
export function useChannelMessages<Events extends EventMap>(
  channel: Channel<Events>,
  event: '*',
  options?: UseChannelMessagesOptions,
): readonly ChannelMessage<Events[keyof Events], keyof Events & string>[];
/** The messages of one event of `channel`, oldest first, batched to at most one render per frame by default. */
export function useChannelMessages<Events extends EventMap, E extends keyof Events & string>(
  channel: Channel<Events>,
  event: E,
  options?: UseChannelMessagesOptions,
): readonly ChannelMessage<Events[E], E>[];
export function useChannelMessages(
  channel: Channel,
  event: string,
  { maxMessages, throttle, onGap, foldChanges = true }: UseChannelMessagesOptions = {},
): readonly ChannelMessage[] {
  // A buffer per channel/event/options: creating one has no side effects, so it is safe during render.
  const buffer = useMemo(
    () =>
      createMessageBuffer<ChannelMessage>({ maxMessages, throttle, ...(foldChanges ? { fold: applyMessage } : {}) }),
    // `channel` and `event` are deliberate dependencies: another stream starts from an empty list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [channel, event, maxMessages, throttle, foldChanges],
  );
  useEffect(() => {
    const off = channel.subscribe(event, (message) => buffer.push(message));
    return () => {
      off();
      buffer.dispose();
    };
  }, [channel, event, buffer]);
  useGapListener(channel, onGap);
  return useStore(buffer, EMPTY_SNAPSHOT).messages;
}
