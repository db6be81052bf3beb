import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { Channel, PresenceMember } from '@realtime-kit/core';
import { stableStringify } from './lib/stable-key.js';
import { useStore } from './lib/use-store.js';

/** Options for {@link usePresence}. */
export interface UsePresenceOptions<D> {
  /** What others see of you. Sent on enter; a change of its content (not identity) sends an update. */
  data?: D;
}

/** What {@link usePresence} returns (a new object only when the members change). */
export interface UsePresenceResult<D> {
  /** Everyone present on the channel (one entry per user, however many tabs), including you once the server confirms. */
  readonly members: readonly PresenceMember<D>[];
}

const NO_MEMBERS: readonly PresenceMember<never>[] = Object.freeze([]);

/**
 * Enters `channel`'s presence set with `data` while mounted (leaves on unmount) and renders its members.
 * Entering is ref-counted by the client, so several components (and StrictMode's double mount) enter once.
 * After a reconnect the client enters again with the newest data.
 * @example
 * const { members } = usePresence(room, { data: { name: me.name } })
 */
export function usePresence<D = unknown>(
  channel: Pick<Channel, 'presence'>,
  { data }: UsePresenceOptions<D> = {},
): UsePresenceResult<D> {
  const presence = channel.presence;
  const latest = useRef(data);
  const sentKey = useRef<string | undefined>(undefined);
  const dataKey = stableStringify(data) ?? '';
  useLayoutEffect(() => {
    latest.current = data;
  });

  useEffect(() => {
    sentKey.current = stableStringify(latest.current) ?? '';
    presence.enter(latest.current);
    return () => presence.leave();
  }, [presence]);

  useEffect(() => {
    if (sentKey.current === dataKey) return;
    sentKey.current = dataKey;
    presence.update(latest.current);
  }, [presence, dataKey]);

  const members = useStore(presence, NO_MEMBERS) as readonly PresenceMember<D>[];
  return useMemo(() => ({ members }), [members]);
}
