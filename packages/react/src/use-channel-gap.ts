import { useCallback, useEffect, useState } from 'react';
import type { Channel, ChannelGap } from '@realtime-kit/core';

/** What {@link useChannelGap} returns. */
export interface UseChannelGapResult {
  /** The missed range since mount or the last `dismiss()` (merged when several come), or null. */
  readonly gap: ChannelGap | null;
  /** Forget it (after reloading that range, or when the user closed the notice). */
  readonly dismiss: () => void;
}

/**
 * Messages this client may have missed on `channel`, as a value to render ("You may have missed messages" and a
 * reload of `gap.from`..`gap.to` from history). Several gaps before a dismiss merge into one range; a `reset` wins.
 * Subscribes nothing by itself: pair it with a hook that receives the channel's messages.
 * @example
 * const { gap, dismiss } = useChannelGap(room)
 * {gap && <Notice onReload={() => loadHistory(gap).then(dismiss)}>You may have missed messages</Notice>}
 */
export function useChannelGap(channel: Pick<Channel, 'onGap'>): UseChannelGapResult {
  const [gap, setGap] = useState<ChannelGap | null>(null);
  useEffect(() => {
    setGap(null);
    return channel.onGap((next) => setGap((current) => mergeGaps(current, next)));
  }, [channel]);
  const dismiss = useCallback(() => setGap(null), []);
  return { gap, dismiss };
}

function mergeGaps(current: ChannelGap | null, next: ChannelGap): ChannelGap {
  if (current === null) return next;
  return {
    channel: next.channel,
    from: Math.min(current.from, next.from),
    to: Math.max(current.to, next.to),
    reason: current.reason === 'reset' || next.reason === 'reset' ? 'reset' : 'trimmed',
  };
}
