import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import {
  createActivityMonitor,
  stableStringify,
  type ActivityOptions,
  type Channel,
  type PresenceMember,
} from '@realtime-kit/core';
import { useStoreSelector } from './lib/use-store-selector.js';

/** Options for {@link usePresence}. */
export interface UsePresenceOptions<D, S> {
  /** What others see of you. Sent on enter; a change of its content (not identity) sends an update. */
  data?: D;
  /** Enter the presence set while mounted. `false` only watches (a member list in a sidebar). Default true. */
  enter?: boolean;
  /**
   * Tell the others when you are `idle` (no input for `idleMs`, default a minute) or `away` (tab hidden). Default
   * true; `false` keeps you `active` while entered.
   */
  activity?: boolean | Pick<ActivityOptions, 'idleMs'>;
  /** Render only a slice of the members (re-renders only when it changes by `isEqual`). */
  selector?: (members: readonly PresenceMember<D>[]) => S;
  /** Compares two selector results. Default `Object.is`. */
  isEqual?: (a: S, b: S) => boolean;
}

/** What {@link usePresence} returns. */
export interface UsePresenceResult<D, S> {
  /** Everyone present (one entry per user, however many tabs), including you once the server lists you — or your selector's slice of them. */
  readonly members: S;
  /** Your own member (your user, all your tabs together), or null before the server lists you. */
  readonly self: PresenceMember<D> | null;
  /** Replaces what others see of you (same as changing `data`). */
  readonly update: (data: D) => void;
}

const NO_MEMBERS: readonly PresenceMember<never>[] = /* @__PURE__ */ Object.freeze([]);
const identity = <T>(value: T) => value;

let sharedActivity: ReturnType<typeof createActivityMonitor> | null = null;

/**
 * Enters `channel`'s presence set with `data` while mounted (leaves on unmount) and renders its members.
 * Entering is ref-counted by the client, so several components (and StrictMode's double mount) enter once.
 * After a reconnect the client enters again with the newest data and status; a member whose connection blips is
 * not shown leaving and coming back (the client's presence grace period).
 * @example
 * const { members, self } = usePresence(room, { data: { name: me.name } })
 * const names = usePresence(room, { enter: false, selector: (members) => members.map((m) => m.data.name) }).members
 */
export function usePresence<D = unknown, S = readonly PresenceMember<D>[]>(
  channel: Pick<Channel, 'presence'>,
  options: UsePresenceOptions<D, S> = {},
): UsePresenceResult<D, S> {
  const { data, enter = true, activity = true, selector, isEqual } = options;
  const presence = channel.presence;
  const latest = useRef(data);
  const sentKey = useRef<string | undefined>(undefined);
  const dataKey = stableStringify(data) ?? '';
  useLayoutEffect(() => {
    latest.current = data;
  });

  useEffect(() => {
    if (!enter) return;
    sentKey.current = stableStringify(latest.current) ?? '';
    presence.enter(latest.current);
    return () => presence.leave();
  }, [presence, enter]);

  useEffect(() => {
    if (!enter || sentKey.current === dataKey) return;
    sentKey.current = dataKey;
    presence.update(latest.current);
  }, [presence, enter, dataKey]);

  const idleMs = typeof activity === 'object' ? activity.idleMs : undefined;
  useEffect(() => {
    if (!enter || activity === false) return;
    const monitor =
      idleMs === undefined ? (sharedActivity ??= createActivityMonitor()) : createActivityMonitor({ idleMs });
    const apply = () => presence.setStatus(monitor.getSnapshot());
    const off = monitor.subscribe(apply);
    apply();
    return () => {
      off();
      presence.setStatus('active');
    };
    // Keyed by what the effect reads of `activity` (off, or its idleMs), not its identity: an inline object must
    // not restart the monitor.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [presence, enter, activity === false, idleMs]);

  const members = useStoreSelector(
    presence as unknown as {
      subscribe: (listener: () => void) => () => void;
      getSnapshot: () => readonly PresenceMember<D>[];
    },
    (selector ?? identity) as (members: readonly PresenceMember<D>[]) => S,
    NO_MEMBERS,
    isEqual,
  );
  const self = useStoreSelector(presence, () => presence.self() as PresenceMember<D> | null, NO_MEMBERS);
  const update = useCallback((next: D) => presence.update(next), [presence]);
  return useMemo(() => ({ members, self, update }), [members, self, update]);
}

/**
 * How many members are present (users, not tabs), without entering: re-renders only when the count changes.
 * @example
 * const online = usePresenceCount(room)   // "12 online"
 */
export function usePresenceCount(channel: Pick<Channel, 'presence'>): number {
  return useStoreSelector(channel.presence, (members) => members.length, NO_MEMBERS);
}
