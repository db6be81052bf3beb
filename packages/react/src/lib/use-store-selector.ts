import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { Store } from '@realtime-kit/core';

/**
 * Renders a slice of a store: the component re-renders only when `selector`'s result changes by `isEqual`
 * (default `Object.is`), as Liveblocks' `useOthers(selector)`. The selector may be a new function every render.
 */
export function useStoreSelector<T, S>(
  store: Store<T>,
  selector: (value: T) => S,
  serverValue: T,
  isEqual: (a: S, b: S) => boolean = Object.is,
): S {
  const latest = useRef({ selector, isEqual });
  latest.current = { selector, isEqual };
  const cache = useRef<{ input: T; output: S } | null>(null);
  const select = useCallback((input: T): S => {
    const cached = cache.current;
    if (cached !== null && Object.is(cached.input, input)) return cached.output;
    const output = latest.current.selector(input);
    if (cached !== null && latest.current.isEqual(cached.output, output)) {
      cache.current = { input, output: cached.output };
      return cached.output;
    }
    cache.current = { input, output };
    return output;
  }, []);
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  const getSnapshot = () => select(store.getSnapshot());
  const getServerSnapshot = () => select(serverValue);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
