import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Channel, ChannelGap } from '@realtime-kit/core';

/** The option every hook that delivers a channel's messages takes (`useEvent`, `useChannelMessages`, `useOptimisticPublish`). */
export interface ChannelGapOptions {
  /**
   * Called when this client may have missed messages of the channel (of any event, not only the hook's):
   * `reason: 'trimmed'` when the server no longer holds `from..to`, `'reset'` when its log started over (`to` is
   * `Infinity`). Refetch what you need, or tell the user (`onGap: setGap` and a "You may have missed messages"
   * notice). The newest function you passed is called: a new identity never resubscribes.
   */
  onGap?: (gap: ChannelGap) => void;
}

/** Calls the newest `onGap` for every gap on `channel` while mounted; listens only when one is given. Subscribes nothing. */
export function useGapListener(channel: Pick<Channel, 'onGap'>, onGap: ChannelGapOptions['onGap']): void {
  const latest = useRef(onGap);
  useLayoutEffect(() => {
    latest.current = onGap;
  });
  const listening = onGap !== undefined;
  useEffect(() => (listening ? channel.onGap((gap) => latest.current?.(gap)) : undefined), [channel, listening]);
}
