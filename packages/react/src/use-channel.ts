import { useMemo } from 'react';
import type { Channel, ChannelOptions, EventMap } from '@realtime-kit/core';
import { useRealtimeClient } from './use-realtime-client.js';

/**
 * The channel named `name` on the provider's client: the same object on every render (and for every component
 * using that name, whatever its options), so it is safe in dependency arrays. Getting a channel subscribes to
 * nothing; `useEvent`, `useChannelMessages`, `useOptimisticPublish`, `usePresence` and `useOccupancy` do, and the
 * server subscription lasts while any of them is mounted.
 *
 * `options.rewind`: the last N, then live: no REST snapshot race. When the channel's server subscription starts
 * (the first hook using it mounts), the newest `rewind` stored messages are delivered before live ones, contiguous
 * and none twice. A hook that mounts while the channel is already subscribed gets live messages only. Several
 * components asking for different `rewind`s before the subscription starts get the largest.
 *
 * Type the channel once with its event map; every hook taking the channel follows it.
 * @example
 * const room = useChannel<{ message: Message; typing: { userId: string } }>('room:42')
 * useEvent(room, 'message', (m) => notify(m.data))
 * @example
 * const auction = useChannel<{ bid: Bid }>('auction:7', { rewind: 50 })  // the last 50 bids, then live ones
 * const bids = useChannelMessages(auction, 'bid')
 */
export function useChannel<Events extends EventMap = EventMap>(
  name: string,
  options?: ChannelOptions,
): Channel<Events> {
  const client = useRealtimeClient();
  const rewind = options?.rewind;
  // Keyed by the option's value, not the object's identity: an inline `{ rewind: 50 }` is read once.
  return useMemo(() => client.channel<Events>(name, { rewind }), [client, name, rewind]);
}
