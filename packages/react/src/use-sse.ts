import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import {
  createConnectionCache,
  createSharedSSE,
  IDLE_SSE_VIEW,
  sharedSSEKey,
  type RealtimeError,
  type SharedSSE,
  type SharedSSEOptions,
  type SSEConnection,
  type SSEErrorEvent,
  type SSEMessage,
  type SSEView,
  type Throttle,
} from '@realtime-kit/core';
import { useRealtimeConfig } from './realtime-provider.js';

export interface UseSSEOptions<T> extends SharedSSEOptions<T> {
  /** Only these event names are collected into `messages`/`data` (and passed to `onMessage`). Default: all. */
  events?: readonly string[];
  /** Keep at most this many messages (newest). Default 1000. */
  maxMessages?: number;
  /** How often updates commit: `'frame'` (default, once per animation frame), a number of ms, or `false` (every event). */
  throttle?: Throttle;
  /** Called for every collected message, as it arrives (not batched). A new function identity never reconnects. */
  onMessage?: (message: SSEMessage<T>) => void;
  /** Called for errors that do not stop the stream, such as an event whose data is not valid JSON. */
  onError?: (error: SSEErrorEvent) => void;
}

export interface UseSSEResult<T> extends SSEView<T> {
  /** Data of the newest collected message. */
  readonly data: T | undefined;
  /** Every collected message, oldest first, bounded by `maxMessages` — never only the last. */
  readonly messages: readonly SSEMessage<T>[];
  readonly error: RealtimeError | null;
  /** Drop the current stream and connect again now (resuming from `lastEventId`). */
  reconnect(): void;
  /** Stop the shared connection for good, for every component using it. */
  close(): void;
  /** Forget messages and `lastEventId`, then connect afresh (e.g. to run a finished job again). */
  reset(): void;
  /** The underlying connection, for `useConnectionState(connection)`; null while `url` is null or on the server. */
  readonly connection: SSEConnection<T> | null;
}

/** Every component's SSE connections, shared by key. */
const cache = /* @__PURE__ */ createConnectionCache<SharedSSE<unknown>>();
const noopSubscribe = () => () => {};
const getIdle = () => IDLE_SSE_VIEW;
const noop = () => {};

/** Number of shared SSE connections (for tests and devtools). */
export function sharedSSECount(): number {
  return cache.size;
}

/**
 * Subscribes to a Server-Sent Events endpoint. Components passing the same `url` and options share one
 * connection, opened with the first and closed after the last unmounts. Reconnects with backoff, resumes with
 * `Last-Event-ID`, pauses while offline, and batches renders to one per animation frame by default.
 *
 * @param url The endpoint, or `null` to stay idle.
 * @example
 * const { data, messages, status, error } = useSSE<Step>(`/api/jobs/${id}/events`, { events: ['progress'] })
 */
export function useSSE<T = unknown>(url: string | null, options: UseSSEOptions<T> = {}): UseSSEResult<T> {
  const config = useRealtimeConfig();
  const merged: UseSSEOptions<T> = {
    ...options,
    fetch: options.fetch ?? config.fetch,
    network: options.network ?? config.network,
  };
  const entry =
    url !== null && typeof window !== 'undefined'
      ? cache.get(sharedSSEKey(url, merged), () => createSharedSSE<T>(url, merged))
      : null;
  const shared = entry?.resource;

  const latestOptions = useRef(options);
  useLayoutEffect(() => {
    latestOptions.current = options;
    if (shared) shared.latest.current = merged;
  });

  const view = useSyncExternalStore(
    entry ? entry.subscribe : noopSubscribe,
    entry ? entry.getSnapshot : getIdle,
    getIdle,
  );

  const events = options.events;
  const eventsKey = events ? events.join('\u0000') : '';
  useEffect(() => {
    if (!shared) return;
    const wanted = events ? new Set(events) : null;
    const offMessage = shared.connection.on('*', (message) => {
      if (wanted === null || wanted.has(message.event)) latestOptions.current.onMessage?.(message);
    });
    const offError = shared.connection.on('error', (error) => latestOptions.current.onError?.(error));
    return () => {
      offMessage();
      offError();
    };
    // Keyed by the content of `events`, not its identity: an inline array must not resubscribe.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shared, eventsKey]);

  const actions = useMemo(
    () =>
      shared
        ? {
            reconnect: () => shared.connection.reconnect(),
            close: () => shared.connection.close(),
            reset: () => shared.reset(),
          }
        : { reconnect: noop, close: noop, reset: noop },
    [shared],
  );

  return useMemo(() => ({ ...view, ...actions, connection: shared?.connection ?? null }), [view, actions, shared]);
}
