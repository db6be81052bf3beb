import { backoff, DEFAULT_BACKOFF, type BackoffOptions } from '../connection/backoff.js';
import { readRefusalBody } from '../connection/http-refusal.js';
import { createReconnectEngine, type Attempt, type AttemptVerdict } from '../connection/reconnect-engine.js';
import { RealtimeError } from '../errors.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import { classifySSEOutcome, type SSEOutcome } from './classify-sse-outcome.js';
import { createEventStreamParser, type EventStreamEvent } from './event-stream-parser.js';
import type { SSEConnection, SSEErrorEvent, SSEListener, SSEMessage, SSEOptions, SSEParse } from './types.js';

/**
 * Default of {@link SSEOptions.heartbeatTimeoutMs}: three of `createEventStream`'s 15 s heartbeats may go missing
 * before a stream is presumed dead, so a stream a proxy keeps open after its server is gone is noticed within 45 s.
 */
export const DEFAULT_SSE_HEARTBEAT_TIMEOUT_MS = 45_000;

type ErrorListener = (error: SSEErrorEvent) => void;

/**
 * A server-sent events connection over `fetch`, with what `EventSource` lacks: headers (fresh per
 * connect), POST bodies, typed and parsed data, backoff with jitter, `Retry-After`, heartbeat
 * timeouts, offline awareness, and a store of its state for UIs.
 *
 * Follows the WHATWG event-stream format (parsed by our own `createEventStreamParser`): named events, `id:` resume
 * through `Last-Event-ID`, `retry:`, comments as liveness. Works wherever `fetch` streams bodies.
 *
 * @example
 * const prices = createSSEConnection<Price>('/api/prices', { headers: async () => ({ authorization: await token() }) });
 * const off = prices.on('price', (message) => render(message.data));
 * prices.subscribe(() => console.log(prices.getSnapshot().status));
 */
export function createSSEConnection<T = unknown>(url: string, options: SSEOptions<T> = {}): SSEConnection<T> {
  return createSSEStream(url, options).connection;
}

/**
 * An SSE connection, and a way to end its current attempt from outside with a verdict: `sseTransport` does so when
 * a POST of the stream's session fails (a 429 waits out its `Retry-After`, a 403 stops), so every request of the
 * session follows the same status table.
 *
 * @internal Not exported from the package index.
 */
export function createSSEStream<T = unknown>(
  url: string,
  options: SSEOptions<T> = {},
): { readonly connection: SSEConnection<T>; interrupt(verdict: AttemptVerdict): void } {
  if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
    throw new TypeError('createSSEConnection: this runtime has no global fetch; pass options.fetch.');
  }
  const heartbeatOption = options.heartbeatTimeoutMs ?? DEFAULT_SSE_HEARTBEAT_TIMEOUT_MS;
  // `false` and 0 turn it off, as `heartbeatMs` does on the server.
  const heartbeatMs = heartbeatOption === false || heartbeatOption === 0 ? null : heartbeatOption;
  if (heartbeatMs !== null && !(heartbeatMs > 0 && Number.isFinite(heartbeatMs))) {
    throw new RangeError(`createSSEConnection: heartbeatTimeoutMs must be a positive number (got ${heartbeatMs}).`);
  }

  // Resolved per call, so a fetch polyfilled after import is used and `window.fetch` keeps its `this`.
  const fetchImpl: (input: string, init: RequestInit) => Promise<Response> =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? (() => Date.now());
  const parseData = toDataParser(options.parse ?? 'json');
  const context = { url, now };

  let lastEventId: string | null = options.lastEventId || null;
  /** `lastEventId` changed while parsing the current chunk and is not in the state yet. */
  let resumePointMoved = false;
  let serverRetryMs: number | null = null;
  let heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  const messageListeners = new Map<string, Set<SSEListener<T>>>();
  const errorListeners = new Set<ErrorListener>();

  let current: Attempt | null = null;
  const engine = createReconnectEngine({
    begin(attempt) {
      current = attempt;
      void run(attempt);
    },
    end() {
      clearTimeout(heartbeatTimer);
      heartbeatTimer = undefined;
    },
    retryDelay: (failures) => backoff(failures, currentBackoff()),
    lastEventId: () => lastEventId,
    inspectable: () => inspectable,
    ...(options.network ? { network: options.network } : {}),
    now,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });

  async function run(attempt: Attempt) {
    let init: RequestInit;
    try {
      init = await prepareRequest(attempt.signal);
    } catch (cause) {
      fail(attempt, { type: 'request-error', cause });
      return;
    }
    if (!attempt.live()) return;
    armHeartbeat(attempt);
    let response: Response;
    try {
      response = await fetchImpl(url, init);
    } catch (cause) {
      fail(attempt, { type: 'fetch-error', cause });
      return;
    }
    if (!attempt.live()) {
      discard(response);
      return;
    }
    const opens = response.status === 200 || response.status === 204;
    const body = opens ? undefined : await readRefusalBody(response);
    if (!attempt.live()) return;
    const verdict = classifySSEOutcome({ type: 'response', status: response.status, headers: response.headers, ...(body ? { body } : {}) }, context);
    if (verdict.action !== 'open') {
      discard(response);
      settle(attempt, verdict);
      return;
    }
    armHeartbeat(attempt);
    attempt.open();
    if (!attempt.live()) {
      discard(response);
      return;
    }
    await read(attempt, response.body);
  }

  async function prepareRequest(signal: AbortSignal): Promise<RequestInit> {
    const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
    headers.set('Accept', 'text/event-stream');
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-cache');
    // Read after the headers function resolved: an event may have arrived meanwhile.
    if (lastEventId !== null) headers.set('Last-Event-ID', lastEventId);
    const body = typeof options.body === 'function' ? options.body() : options.body;
    return {
      method: options.method ?? 'GET',
      headers,
      body: body ?? null,
      credentials: options.withCredentials ? 'include' : 'same-origin',
      signal,
    };
  }

  async function read(attempt: Attempt, body: ReadableStream<Uint8Array> | null) {
    const live = attempt.live;
    if (body === null) {
      fail(attempt, { type: 'stream-end' });
      return;
    }
    const reader = body.getReader();
    // Aborting the fetch errors undici's body, but a custom fetch may ignore the signal: cancel explicitly.
    const cancel = () => void reader.cancel().catch(() => {});
    attempt.signal.addEventListener('abort', cancel, { once: true });
    // A fresh decoder per stream: it strips the leading BOM, as the event-stream format requires.
    const decoder = new TextDecoder();
    // Comments count as liveness through the bytes they bring, so they need no callback.
    const parser = createEventStreamParser(
      (message) => {
        if (live()) dispatch(message);
      },
      (ms) => {
        if (live()) serverRetryMs = ms;
      },
    );
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (!live()) return;
        if (done) {
          // The parser keeps an unterminated last event buffered; it is dropped, not flushed (WHATWG).
          fail(attempt, { type: 'stream-end' });
          return;
        }
        armHeartbeat(attempt);
        parser.feed(decoder.decode(value, { stream: true }));
        if (!live()) return;
        if (resumePointMoved) {
          resumePointMoved = false;
          engine.refresh();
        }
      }
    } catch (cause) {
      fail(attempt, { type: 'read-error', cause });
    } finally {
      attempt.signal.removeEventListener('abort', cancel);
    }
  }

  function dispatch(raw: EventStreamEvent) {
    if (raw.id !== undefined) {
      // `id:` with an empty value resets the resume point; the parser already ignores ids containing NULL.
      lastEventId = raw.id === '' ? null : raw.id;
      // Published once the chunk is parsed: a chunk of 500 events is one state change, not 500.
      resumePointMoved = true;
    }
    const event = raw.event ?? 'message';
    const id = raw.id === undefined || raw.id === '' ? undefined : raw.id;
    let data: T;
    try {
      data = parseData(raw.data, event);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      const failure = new RealtimeError(
        'bad_data',
        process.env.NODE_ENV !== 'production'
          ? `Could not parse the data of a "${event}" event from ${url}: ${reason}. The event was skipped and the ` +
            'stream goes on; fix the payload on the server or pass a parse option that accepts it.'
          : `${url} "${event}" ${reason}`,
        { cause, raw: raw.data },
      );
      emitError(id === undefined ? { error: failure, event, raw: raw.data } : { error: failure, event, id, raw: raw.data });
      return;
    }
    const message: SSEMessage<T> = id === undefined ? { event, data } : { id, event, data };
    // 'error' is the channel of SSEErrorEvents and '*' is every event: such names reach '*' only.
    if (event !== 'error' && event !== '*') emit(messageListeners.get(event), message);
    emit(messageListeners.get('*'), message);
  }

  function fail(attempt: Attempt, outcome: Exclude<SSEOutcome, { type: 'response' }>) {
    if (attempt.live()) settle(attempt, classifySSEOutcome(outcome, context) as AttemptVerdict);
  }

  function settle(attempt: Attempt, verdict: AttemptVerdict) {
    attempt.fail(verdict);
    emitError({ error: verdict.error });
  }

  function currentBackoff(): BackoffOptions | undefined {
    if (serverRetryMs === null) return options.backoff;
    const maxMs = Math.max(options.backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs, serverRetryMs);
    return { ...options.backoff, minMs: serverRetryMs, maxMs };
  }

  function armHeartbeat(attempt: Attempt) {
    if (heartbeatMs === null) return;
    clearTimeout(heartbeatTimer);
    heartbeatTimer = setTimeout(() => {
      heartbeatTimer = undefined;
      fail(attempt, { type: 'heartbeat-timeout', timeoutMs: heartbeatMs });
    }, heartbeatMs);
  }

  function emit(listeners: Set<SSEListener<T>> | undefined, message: SSEMessage<T>) {
    emitToListeners(listeners, message);
  }

  function emitError(event: SSEErrorEvent) {
    emitToListeners(errorListeners, event);
  }

  function on(event: string, listener: SSEListener<T> | ErrorListener): () => void {
    let remove: () => void;
    if (event === 'error') {
      // A wrapper per call, so adding the same function twice needs two removals (as `subscribe`).
      const entry: ErrorListener = (value) => (listener as ErrorListener)(value);
      errorListeners.add(entry);
      remove = () => errorListeners.delete(entry);
    } else {
      const entry: SSEListener<T> = (value) => (listener as SSEListener<T>)(value);
      let listeners = messageListeners.get(event);
      if (listeners === undefined) messageListeners.set(event, (listeners = new Set()));
      listeners.add(entry);
      remove = () => {
        listeners.delete(entry);
        if (listeners.size === 0 && messageListeners.get(event) === listeners) messageListeners.delete(event);
      };
    }
    return remove;
  }

  const connection: SSEConnection<T> = {
    url,
    subscribe: engine.subscribe,
    getSnapshot: engine.getSnapshot,
    on,
    connect: engine.connect,
    reconnect: engine.reconnect,
    close: engine.close,
    reset() {
      lastEventId = null;
      serverRetryMs = null;
      engine.reconnect();
    },
  };

  const inspectable = { kind: 'sse', connection } as const;
  if (options.autoConnect ?? true) engine.connect();
  return {
    connection,
    interrupt(verdict) {
      if (current?.live()) settle(current, verdict);
    },
  };
}

function toDataParser<T>(parse: SSEParse<T>): (raw: string, event: string) => T {
  if (parse === 'json') return (raw) => JSON.parse(raw) as T;
  if (parse === 'text') return (raw) => raw as T;
  return parse;
}

/** Releases a response that will not be read, so its connection can close or be reused. */
function discard(response: Response) {
  response.body?.cancel().catch(() => {});
}
