import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Channel, ChannelMessage, EventMap } from '@realtime-kit/core';
import { useGapListener, type ChannelGapOptions } from './lib/use-gap-listener.js';

/**
 * Calls `handler` for every `event` message on `channel` (or every message with `'*'`), exactly once each and
 * in order. Subscribes once per channel and event: the newest `handler` is called through a ref, so an inline
 * function never resubscribes. `options.onGap` hears of messages this client may have missed (see
 * {@link ChannelGapOptions}).
 * @example
 * useEvent(room, 'message', (message) => toast(message.data.text))
 * @example
 * useEvent(room, 'message', append, { onGap: () => refetchHistory() })
 */
export function useEvent<Events extends EventMap>(
  channel: Channel<Events>,
  event: '*',
  handler: (message: ChannelMessage<Events[keyof Events], keyof Events & string>) => void,
  options?: ChannelGapOptions,
): void;
/** Calls `handler` for every `event` message on `channel`; a new handler identity never resubscribes. */
export function useEvent<Events extends EventMap, E extends keyof Events & string>(
  channel: Channel<Events>,
  event: E,
  handler: (message: ChannelMessage<Events[E], E>) => void,
  options?: ChannelGapOptions,
): void;
export function useEvent(
  channel: Channel,
  event: string,
  handler: (message: ChannelMessage) => void,
  { onGap }: ChannelGapOptions = {},
): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => channel.subscribe(event, (message) => latest.current(message)), [channel, event]);
  useGapListener(channel, onGap);
}
