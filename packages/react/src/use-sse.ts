import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { RealtimeError, SSEConnection, SSEErrorEvent, SSEMessage, Throttle } from '@realtime-kit/core';
import { useRealtimeConfig } from './realtime-provider.js';
import { identityOf, stableStringify } from './lib/stable-key.js';
import { getSharedSSE, IDLE_VIEW, type SharedSSEOptions, type SSEView } from './lib/shared-sse.js';

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

const noopSubscribe = () => () => {};
const getIdle = () => IDLE_VIEW;
const noop = () => {};

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
  const fetchImpl = options.fetch ?? config.fetch;
  const network = options.network ?? config.network;
  const merged: UseSSEOptions<T> = { ...options, fetch: fetchImpl, network };
  const key =
    url === null ? null : `${url}|${identityOf(fetchImpl)}|${identityOf(network)}|${stableStringify(keyedOptions(merged))}`;
  const entry = key !== null && url !== null && typeof window !== 'undefined' ? getSharedSSE<T>(key, url, merged) : null;

  const latestOptions = useRef(options);
  useLayoutEffect(() => {
    latestOptions.current = options;
    if (entry) entry.latest.current = merged;
  });

  const view = useSyncExternalStore(entry ? entry.subscribe : noopSubscribe, entry ? entry.getSnapshot : getIdle, getIdle);

  const events = options.events;
  const eventsKey = events ? events.join('\u0000') : '';
  useEffect(() => {
    if (!entry) return;
    const wanted = events ? new Set(events) : null;
    const offMessage = entry.connection.on('*', (message) => {
      if (wanted === null || wanted.has(message.event)) latestOptions.current.onMessage?.(message);
    });
    const offError = entry.connection.on('error', (error) => latestOptions.current.onError?.(error));
    return () => {
      offMessage();
      offError();
    };
    // Keyed by the content of `events`, not its identity: an inline array must not resubscribe.
  }, [entry, eventsKey]);

  const actions = useMemo(
    () =>
      entry
        ? {
            reconnect: () => entry.connection.reconnect(),
            close: () => entry.connection.close(),
            reset: () => entry.reset(),
          }
        : { reconnect: noop, close: noop, reset: noop },
    [entry],
  );

  return useMemo(() => ({ ...view, ...actions, connection: entry?.connection ?? null }), [view, actions, entry]);
}

/** The options that decide whether two components can share a connection: every serializable one. */
function keyedOptions<T>(options: UseSSEOptions<T>) {
  const { fetch: _fetch, network: _network, onMessage: _onMessage, onError: _onError, now: _now, ...rest } = options;
  return {
    ...rest,
    // A function option is shared by role, not identity: the newest one is called (see SharedSSE.latest).
    headers: typeof rest.headers === 'function' ? 'fn' : rest.headers,
    body: typeof rest.body === 'function' ? 'fn' : typeof rest.body === 'string' ? rest.body : rest.body == null ? null : 'opaque',
    parse: typeof rest.parse === 'function' ? 'fn' : rest.parse,
  };
}
