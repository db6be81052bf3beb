import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  createSharedState,
  RealtimeError,
  type Channel,
  type SharedState,
  type SharedStateDefinition,
  type SharedStateSnapshot,
} from '@realtime-kit/core';
import { useRealtimeClient } from './use-realtime-client.js';
import { useStore } from './lib/use-store.js';

/** What {@link useSharedState} returns: the state to show, `dispatch`, and the rest of the snapshot. */
export type UseSharedStateResult<S, A> = readonly [
  state: S,
  dispatch: (action: A) => Promise<void>,
  info: SharedStateSnapshot<S>,
];

/**
 * Server-authoritative shared state on a channel (a name, or a `Channel`): the server's reducer (the same
 * `defineSharedState` given to `createRealtime({ sharedState })`) decides, every client predicts its own actions at
 * once and rebases them when the server's order differs; a refused action rolls back and sets `info.refusal`. A late
 * joiner reads the newest state, not the history.
 * @example
 * const [game, dispatch, { pending, refusal }] = useSharedState(`tictactoe:${id}`, ticTacToe)
 * <button onClick={() => dispatch({ type: 'play', cell: 4 }).catch(() => {})}>…</button>
 * {refusal && <p role="alert">{refusal.message}</p>}
 */
export function useSharedState<S, A>(
  channel: string | Channel,
  definition: SharedStateDefinition<S, A>,
): UseSharedStateResult<S, A> {
  const client = useRealtimeClient();
  // A late joiner needs the newest stored entry: the channel rewinds one message (when this subscribes it first).
  const target = useMemo(
    () => (typeof channel === 'string' ? client.channel(channel, { rewind: 1 }) : channel),
    [client, channel],
  );
  // The newest definition is used without starting over (an inline reducer is a new function every render).
  const latest = useRef(definition);
  latest.current = definition;
  const stable = useMemo<SharedStateDefinition<S, A>>(
    () => ({
      initial: (name: string) => {
        const { initial } = latest.current;
        return typeof initial === 'function' ? (initial as (channel: string) => S)(name) : initial;
      },
      reducer: (state, action, context) => latest.current.reducer(state, action, context),
    }),
    [],
  );
  const [shared, setShared] = useState<SharedState<S, A> | null>(null);
  useEffect(() => {
    const next = createSharedState(target, stable);
    setShared(next);
    return () => {
      next.destroy();
      setShared((current) => (current === next ? null : current));
    };
  }, [target, stable]);

  const fallback = useMemo<SharedStateSnapshot<S>>(() => {
    const state = (stable.initial as (name: string) => S)(target.name);
    return { state, confirmed: state, version: 0, pending: 0, synced: false, refusal: null };
  }, [stable, target]);
  const info = useStore(shared, fallback);
  const dispatch = useCallback(
    (action: A) =>
      shared
        ? shared.dispatch(action)
        : Promise.reject(
            new RealtimeError('closed', `useSharedState("${target.name}"): dispatch before the component mounted.`),
          ),
    [shared, target],
  );
  return useMemo(() => [info.state, dispatch, info] as const, [info, dispatch]);
}
