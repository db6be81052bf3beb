import { createMessageBuffer, type MessageBuffer } from '../buffer/message-buffer.js';
import type { Throttle } from '../buffer/schedule.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { createSSEConnection } from '../sse/sse-connection.js';
import type { SSEConnection, SSEMessage, SSEOptions } from '../sse/types.js';
import type { CacheableConnection } from './connection-cache.js';
import { createConnectionView } from './connection-view.js';
import { identityOf, stableStringify } from './stable-key.js';

/** What a component renders from a {@link SharedSSE}: the connection's state plus the batched messages. */
export interface SSEView<T> extends ConnectionState {
  /** Data of the newest collected message. */
  readonly data: T | undefined;
  /** Every collected message, oldest first, bounded by `maxMessages`. */
  readonly messages: readonly SSEMessage<T>[];
  /** Messages received in total (including those trimmed by `maxMessages`). */
  readonly total: number;
}

/** The connection's options (everything but `autoConnect`, which the cache owns) plus how messages are collected. */
export interface SharedSSEOptions<T> extends SSEOptions<T> {
  /** Only these event names are collected into `messages`/`data`. Default: all. */
  events?: readonly string[];
  /** Keep at most this many messages (newest). Default 1000. */
  maxMessages?: number;
  /** How often the view changes: `'frame'` (default), a number of ms, or `false` (every event). */
  throttle?: Throttle;
}

/** One SSE connection and its message buffer, shared by every user of the same url and options. */
export interface SharedSSE<T> extends CacheableConnection<SSEView<T>> {
  readonly connection: SSEConnection<T>;
  readonly buffer: MessageBuffer<SSEMessage<T>>;
  /** The newest options of any user: function options (`headers`, `body`, `parse`) are called through it. */
  readonly latest: { current: SharedSSEOptions<T> };
  /** Forgets messages and the resume id, then connects afresh. */
  reset(): void;
}

// `Object.assign`, not a spread: bundlers drop an unused pure call only when its arguments cannot have side effects.
/** The view while there is no connection (a `null` url) and during server rendering. */
export const IDLE_SSE_VIEW: SSEView<never> = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.assign({}, INITIAL_CONNECTION_STATE, {
    data: undefined,
    messages: /* @__PURE__ */ Object.freeze([]) as readonly never[],
    total: 0,
  }),
);

/**
 * An SSE connection for a {@link ConnectionCache}: it connects on `connect()` (the entry's first subscriber), not
 * when created, and collects the wanted events into a frame-batched buffer.
 * @example
 * const entry = cache.get(sharedSSEKey(url, options), () => createSharedSSE<Step>(url, options))
 */
export function createSharedSSE<T>(url: string, options: SharedSSEOptions<T> = {}): SharedSSE<T> {
  const latest = { current: options };
  const { headers, body, parse, events, maxMessages, throttle } = options;
  const connection = createSSEConnection<T>(url, {
    ...options,
    // Function options may change identity every render; call whichever is newest.
    headers: typeof headers === 'function' ? () => (latest.current.headers as () => HeadersInit)() : headers,
    body: typeof body === 'function' ? () => (latest.current.body as () => BodyInit | null)() : body,
    parse:
      typeof parse === 'function'
        ? (raw, event) => (latest.current.parse as (raw: string, event: string) => T)(raw, event)
        : parse,
    autoConnect: false,
  });
  const buffer = createMessageBuffer<SSEMessage<T>>({ maxMessages, throttle });
  const wanted = events ? new Set(events) : null;
  connection.on('*', (message) => {
    if (wanted === null || wanted.has(message.event)) buffer.push(message);
  });
  const view = createConnectionView(
    connection,
    (state, messages): SSEView<T> => ({
      ...state,
      data: messages.latest?.data,
      messages: messages.messages,
      total: messages.total,
    }),
    { buffer, throttle },
  );
  return {
    ...view,
    connection,
    buffer,
    latest,
    connect: () => connection.connect(),
    dispose() {
      connection.close();
      buffer.dispose();
    },
    reset() {
      buffer.clear();
      connection.reset();
    },
  };
}

/**
 * The cache key of an SSE connection: users with equal keys can share one. `fetch` and `network` count by
 * identity, every serializable option by value, and function options by role (the newest one is called).
 */
export function sharedSSEKey<T>(url: string, options: SharedSSEOptions<T>): string {
  const { fetch, network, headers, body, parse, ...rest } = options;
  const keyed = {
    ...rest,
    headers: typeof headers === 'function' ? 'fn' : headers,
    body: typeof body === 'function' ? 'fn' : typeof body === 'string' ? body : body == null ? null : 'opaque',
    parse: typeof parse === 'function' ? 'fn' : parse,
  };
  return `${url}|${identityOf(fetch)}|${identityOf(network)}|${stableStringify(keyed)}`;
}
