import { useMemo, useSyncExternalStore } from 'react';
import type { Store } from '@realtime-kit/core';

const noopSubscribe = () => () => {};

/**
 * Renders from a realtime-kit store through `useSyncExternalStore`. `fallback` is the snapshot while `store` is
 * null and during server rendering and hydration. Methods are called on the store, so class-based stores work too.
 */
export function useStore<T>(store: Store<T> | null | undefined, fallback: T): T {
  const subscribe = useMemo(
    () => (store ? (listener: () => void) => store.subscribe(listener) : noopSubscribe),
    [store],
  );
  const getSnapshot = useMemo(() => (store ? () => store.getSnapshot() : () => fallback), [store, fallback]);
  const getServerSnapshot = useMemo(() => () => fallback, [fallback]);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
