import { createSharedLifecycle, createSharedRegistry } from './shared-entry.js';
import {
  createMessageBuffer,
  createSSEConnection,
  INITIAL_CONNECTION_STATE,
  type ConnectionState,
  type MessageBuffer,
  type SSEConnection,
  type SSEMessage,
  type SSEOptions,
  type Throttle,
} from '@realtime-kit/core';

/** What `useSSE` renders from: the connection's state plus the batched messages. */
export interface SSEView<T> extends ConnectionState {
  readonly data: T | undefined;
  readonly messages: readonly SSEMessage<T>[];
  /** Messages received in total (including those trimmed by `maxMessages`). */
  readonly total: number;
}

export interface SharedSSEOptions<T> extends SSEOptions<T> {
  events?: readonly string[];
  maxMessages?: number;
  throttle?: Throttle;
}

export interface SharedSSE<T> {
  readonly connection: SSEConnection<T>;
  readonly buffer: MessageBuffer<SSEMessage<T>>;
  /** The latest options of any component using this entry: function options are read through it. */
  readonly latest: { current: SharedSSEOptions<T> };
  subscribe(listener: () => void): () => void;
  getSnapshot(): SSEView<T>;
  /** Forgets messages and the resume id, then connects afresh. */
  reset(): void;
}

const entries = createSharedRegistry<SharedSSE<unknown>>();

export const IDLE_VIEW: SSEView<never> = Object.freeze({
  ...INITIAL_CONNECTION_STATE,
  data: undefined,
  messages: Object.freeze([]) as readonly never[],
  total: 0,
});

/**
 * The one connection for `key`, created on first use. Components with identical URL and options share it;
 * it connects with the first subscriber and closes one tick after the last leaves, so StrictMode's
 * unmount/remount (and a component moving in the tree) keeps a single connection.
 */
export function getSharedSSE<T>(key: string, url: string, options: SharedSSEOptions<T>): SharedSSE<T> {
  return entries.get(key, (release) => createEntry<T>(url, options, release) as SharedSSE<unknown>) as SharedSSE<T>;
}

/** Number of live shared entries (for tests and devtools). */
export function sharedSSECount(): number {
  return entries.size;
}

function createEntry<T>(url: string, initial: SharedSSEOptions<T>, release: () => void): SharedSSE<T> {
  const latest = { current: initial };
  const { headers, body, parse } = initial;
  const connection = createSSEConnection<T>(url, {
    ...initial,
    // Function options may change identity every render; call whichever is newest.
    headers: typeof headers === 'function' ? () => (latest.current.headers as () => HeadersInit)() : headers,
    body: typeof body === 'function' ? () => (latest.current.body as () => BodyInit | null)() : body,
    parse:
      typeof parse === 'function'
        ? (raw, event) => (latest.current.parse as (raw: string, event: string) => T)(raw, event)
        : parse,
    autoConnect: false,
  });
  const buffer = createMessageBuffer<SSEMessage<T>>({ maxMessages: initial.maxMessages, throttle: initial.throttle });
  const wanted = initial.events ? new Set(initial.events) : null;
  connection.on('*', (message) => {
    if (wanted === null || wanted.has(message.event)) buffer.push(message);
  });

  const entry: SharedSSE<T> = {
    connection,
    buffer,
    latest,
    ...createSharedLifecycle(
      connection,
      buffer,
      (state, messages): SSEView<T> => ({ ...state, data: messages.latest?.data, messages: messages.messages, total: messages.total }),
      release,
      initial.throttle,
    ),
    reset() {
      buffer.clear();
      connection.reset();
    },
  };
  return entry;
}
