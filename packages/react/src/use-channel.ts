import { useMemo } from 'react';
import type { Channel, EventMap } from '@realtime-kit/core';
import { useRealtimeClient } from './use-realtime-client.js';

/**
 * The channel named `name` on the provider's client: the same object on every render (and for every component
 * using that name), so it is safe in dependency arrays. Getting a channel subscribes to nothing; `useEvent`,
 * `useChannelMessages` and `usePresence` do, and the server subscription lasts while any of them is mounted.
 *
 * Type the channel once with its event map; every hook taking the channel follows it.
 * @example
 * const room = useChannel<{ message: Message; typing: { userId: string } }>('room:42')
 * useEvent(room, 'message', (m) => notify(m.data))
 */
export function useChannel<Events extends EventMap = EventMap>(name: string): Channel<Events> {
  const client = useRealtimeClient();
  return useMemo(() => client.channel<Events>(name), [client, name]);
}
