import type { Channel, ChannelOccupancy } from '@realtime-kit/core';
import { useStore } from './lib/use-store.js';

/**
 * How many are on `channel`, cluster-wide: `{ connections, members }` (subscribed connections, present members),
 * or null until the server first tells (and while rendering on the server). Watching subscribes the channel while
 * mounted, without entering presence; the server sends at most four updates a second.
 * @example
 * const occupancy = useOccupancy(room)
 * return <p>{occupancy ? `${occupancy.members} here, ${occupancy.connections} watching` : '…'}</p>
 */
export function useOccupancy(channel: Pick<Channel, 'occupancy'>): ChannelOccupancy | null {
  return useStore(channel.occupancy, null);
}
