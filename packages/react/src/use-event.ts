import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Channel, ChannelMessage, EventMap } from '@realtime-kit/core';

/**
 * Calls `handler` for every `event` message on `channel` (or every message with `'*'`), exactly once each and
 * in order. Subscribes once per channel and event: the newest `handler` is called through a ref, so an inline
 * function never resubscribes.
 * @example
 * useEvent(room, 'message', (message) => toast(message.data.text))
 */
export function useEvent<Events extends EventMap>(
  channel: Channel<Events>,
  event: '*',
  handler: (message: ChannelMessage<Events[keyof Events], keyof Events & string>) => void,
): void;
/** Calls `handler` for every `event` message on `channel`; a new handler identity never resubscribes. */
export function useEvent<Events extends EventMap, E extends keyof Events & string>(
  channel: Channel<Events>,
  event: E,
  handler: (message: ChannelMessage<Events[E], E>) => void,
): void;
export function useEvent(channel: Channel, event: string, handler: (message: ChannelMessage) => void): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => channel.subscribe(event, (message) => latest.current(message)), [channel, event]);
}
