import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { backoff, DEFAULT_BACKOFF, type BackoffOptions } from '../connection/backoff.js';
import { toConnectionStatus, type ConnectionPhase } from '../connection/machine.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { browserNetwork, type NetworkEvent } from '../env/network.js';
import { RealtimeError } from '../errors.js';
import { assertNever } from '../lib/assert-never.js';
import { emitToListeners } from '../lib/report-listener-error.js';
import { createStore } from '../store.js';
import { setInspectable } from '../devtools/registry.js';
import { classifySSEOutcome, type SSEOutcome, type SSEVerdict } from './classify-sse-outcome.js';
import type { SSEConnection, SSEErrorEvent, SSEListener, SSEMessage, SSEOptions, SSEParse } from './types.js';

/**
 * Default of {@link SSEOptions.heartbeatTimeoutMs}: three of `createEventStream`'s 15 s heartbeats may go missing
 * before a stream is presumed dead, so a stream a proxy keeps open after its server is gone is noticed within 45 s.
 */
export const DEFAULT_SSE_HEARTBEAT_TIMEOUT_MS = 45_000;

type ErrorListener = (error: SSEErrorEvent) => void;
type FailureVerdict = Exclude<SSEVerdict, { action: 'open' }>;

/**
 * A server-sent events connection over `fetch`, with what `EventSource` lacks: headers (fresh per
 * connect), POST bodies, typed and parsed data, backoff with jitter, `Retry-After`, heartbeat
 * timeouts, offline awareness, and a store of its state for UIs.
 *
 * Follows the WHATWG event-stream format (parsed by `eventsource-parser`): named events, `id:` resume
 * through `Last-Event-ID`, `retry:`, comments as liveness. Works wherever `fetch` streams bodies.
 *
 * @example
 * const prices = createSSEConnection<Price>('/api/prices', { headers: async () => ({ authorization: await token() }) });
 * const off = prices.on('price', (message) => render(message.data));
 * prices.subscribe(() => console.log(prices.getSnapshot().status));
 */
export function createSSEConnection<T = unknown>(url: string, options: SSEOptions<T> = {}): SSEConnection<T> {
  if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
    throw new TypeError('createSSEConnection: this runtime has no global fetch; pass options.fetch.');
  }
  const heartbeatOption = options.heartbeatTimeoutMs ?? DEFAULT_SSE_HEARTBEAT_TIMEOUT_MS;
  // `false` and 0 turn it off, as `heartbeatMs` does on the server.
  const heartbeatMs = heartbeatOption === false || heartbeatOption === 0 ? null : heartbeatOption;
  if (heartbeatMs !== null && !(heartbeatMs > 0 && Number.isFinite(heartbeatMs))) {
    throw new RangeError(`createSSEConnection: heartbeatTimeoutMs must be a positive number (got ${heartbeatMs}).`);
  }
  // Invalid backoff options would otherwise throw later, inside an async failure path.
  backoff(1, { ...options.backoff, random: () => 0 });

  // Resolved per call, so a fetch polyfilled after import is used and `window.fetch` keeps its `this`.
  const fetchImpl: (input: string, init: RequestInit) => Promise<Response> =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const network = options.network ?? browserNetwork;
  const now = options.now ?? (() => Date.now());
  const parseData = toDataParser(options.parse ?? 'json');
  const context = { url, now };

  let phase: ConnectionPhase = 'idle';
  let attempt = 0;
  let error: RealtimeError | null = null;
  let retryInMs: number | null = null;
  let retryAt: number | null = null;
  let lastEventId: string | null = options.lastEventId || null;
  /** `lastEventId` changed while parsing the current chunk and is not in the state yet. */
  let resumePointMoved = false;
  let serverRetryMs: number | null = null;
  // The attempt in flight. Async steps of older attempts compare against it and stop when replaced.
  let current: AbortController | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatchNetwork: (() => void) | null = null;
  const messageListeners = new Map<string, Set<SSEListener<T>>>();
  const errorListeners = new Set<ErrorListener>();

  const store = createStore<ConnectionState>(
    lastEventId === null ? INITIAL_CONNECTION_STATE : Object.freeze({ ...INITIAL_CONNECTION_STATE, lastEventId }),
    {
      onFirstSubscribe() {
        if (phase === 'idle') start();
      },
    },
  );

  function publish() {
    const previous = store.getSnapshot();
    const status = toConnectionStatus(phase, attempt);
    if (
      previous.status === status &&
      previous.error === error &&
      previous.attempt === attempt &&
      previous.retryInMs === retryInMs &&
      previous.retryAt === retryAt &&
      previous.lastEventId === lastEventId
    ) {
      return;
    }
    // Listed for devtools while running (an idle one is not started by an inspector's subscribe).
    setInspectable(inspectable, status !== 'closed');
    store.set(Object.freeze({ status, error, attempt, retryInMs, retryAt, lastEventId }));
  }

  function start() {
    attempt = 0;
    error = null;
    unwatchNetwork ??= network.subscribe(onNetworkEvent);
    beginAttempt();
  }

  function beginAttempt() {
    clearRetryTimer();
    if (!network.isOnline()) {
      goOffline();
      return;
    }
    const controller = new AbortController();
    current = controller;
    phase = 'connecting';
    retryInMs = null;
    retryAt = null;
    publish();
    void run(controller);
  }

  async function run(controller: AbortController) {
    const live = () => current === controller;
    if (!live()) return;
    let init: RequestInit;
    try {
      init = await prepareRequest(controller.signal);
    } catch (cause) {
      if (live()) fail({ type: 'request-error', cause });
      return;
    }
    if (!live()) return;
    armHeartbeat(controller);
    let response: Response;
    try {
      response = await fetchImpl(url, init);
    } catch (cause) {
      if (live()) fail({ type: 'fetch-error', cause });
      return;
    }
    if (!live()) {
      discard(response);
      return;
    }
    const verdict = classifySSEOutcome(
      { type: 'response', status: response.status, headers: response.headers },
      context,
    );
    if (verdict.action !== 'open') {
      discard(response);
      settle(verdict);
      return;
    }
    phase = 'open';
    attempt = 0;
    error = null;
    armHeartbeat(controller);
    publish();
    if (!live()) {
      discard(response);
      return;
    }
    await read(controller, response.body);
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

  async function read(controller: AbortController, body: ReadableStream<Uint8Array> | null) {
    const live = () => current === controller;
    if (body === null) {
      fail({ type: 'stream-end' });
      return;
    }
    const reader = body.getReader();
    // Aborting the fetch errors undici's body, but a custom fetch may ignore the signal: cancel explicitly.
    const cancel = () => void reader.cancel().catch(() => {});
    controller.signal.addEventListener('abort', cancel, { once: true });
    // A fresh decoder per stream: it strips the leading BOM, as the event-stream format requires.
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent: (message) => {
        if (live()) dispatch(message);
      },
      onRetry: (ms) => {
        if (live()) serverRetryMs = ms;
      },
      // Unknown fields and invalid `retry:` values are ignored, as WHATWG says; comments count as
      // liveness through the bytes they bring, so they need no callback.
    });
    let crPending = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (!live()) return;
        if (done) {
          // The parser keeps an unterminated last event buffered; it is dropped, not flushed (WHATWG).
          fail({ type: 'stream-end' });
          return;
        }
        armHeartbeat(controller);
        let text = decoder.decode(value, { stream: true });
        if (text === '') continue;
        // eventsource-parser holds back a chunk-final CR until it sees whether LF follows, which
        // would delay a CR-terminated event until more bytes come. A CR ends a line at once (WHATWG):
        // feed CRLF now and drop the LF if the next chunk starts with one.
        if (crPending && text.startsWith('\n')) text = text.slice(1);
        crPending = text.endsWith('\r');
        parser.feed(crPending ? `${text}\n` : text);
        if (!live()) return;
        if (resumePointMoved) {
          resumePointMoved = false;
          publish();
        }
      }
    } catch (cause) {
      if (live()) fail({ type: 'read-error', cause });
    } finally {
      controller.signal.removeEventListener('abort', cancel);
    }
  }

  function dispatch(raw: EventSourceMessage) {
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
        `Could not parse the data of a "${event}" event from ${url}: ${reason}. The event was skipped and the ` +
          'stream goes on; fix the payload on the server or pass a parse option that accepts it.',
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

  function fail(outcome: Exclude<SSEOutcome, { type: 'response' }>) {
    settle(classifySSEOutcome(outcome, context) as FailureVerdict);
  }

  function settle(verdict: FailureVerdict) {
    endAttempt();
    attempt += 1;
    error = verdict.error;
    switch (verdict.action) {
      case 'stop':
        stopWatchingNetwork();
        phase = 'closed';
        retryInMs = null;
        retryAt = null;
        publish();
        break;
      case 'retry':
        scheduleRetry(verdict.delayMs ?? backoff(attempt, currentBackoff()));
        break;
      default:
        assertNever(verdict);
    }
    emitError({ error: verdict.error });
  }

  function currentBackoff(): BackoffOptions | undefined {
    if (serverRetryMs === null) return options.backoff;
    const maxMs = Math.max(options.backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs, serverRetryMs);
    return { ...options.backoff, minMs: serverRetryMs, maxMs };
  }

  function scheduleRetry(delay: number) {
    phase = 'backoff';
    retryInMs = delay;
    retryAt = now() + delay;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      beginAttempt();
    }, delay);
    publish();
  }

  function armHeartbeat(controller: AbortController) {
    if (heartbeatMs === null) return;
    clearTimeout(heartbeatTimer);
    heartbeatTimer = setTimeout(() => {
      heartbeatTimer = undefined;
      if (current === controller) fail({ type: 'heartbeat-timeout', timeoutMs: heartbeatMs });
    }, heartbeatMs);
  }

  function endAttempt() {
    const controller = current;
    current = null;
    clearTimeout(heartbeatTimer);
    heartbeatTimer = undefined;
    controller?.abort();
  }

  function clearRetryTimer() {
    clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  function stopWatchingNetwork() {
    unwatchNetwork?.();
    unwatchNetwork = null;
  }

  function goOffline() {
    endAttempt();
    clearRetryTimer();
    phase = 'offline';
    retryInMs = null;
    retryAt = null;
    publish();
  }

  function onNetworkEvent(event: NetworkEvent) {
    switch (event) {
      case 'offline':
        if (phase === 'connecting' || phase === 'open' || phase === 'backoff') goOffline();
        break;
      case 'online':
        // Back online: the failure was the network, so waiting out the backoff only delays recovery.
        if (phase === 'offline' || phase === 'backoff') beginAttempt();
        break;
      case 'visible':
        if (phase === 'backoff') beginAttempt();
        break;
      default:
        assertNever(event);
    }
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

  function close() {
    endAttempt();
    clearRetryTimer();
    stopWatchingNetwork();
    phase = 'closed';
    attempt = 0;
    error = null;
    retryInMs = null;
    retryAt = null;
    publish();
  }

  function reconnect() {
    endAttempt();
    clearRetryTimer();
    unwatchNetwork ??= network.subscribe(onNetworkEvent);
    attempt = 0;
    error = null;
    beginAttempt();
  }

  const connection: SSEConnection<T> = {
    url,
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    on,
    connect() {
      if (phase === 'idle' || phase === 'closed') start();
    },
    reconnect,
    close,
    reset() {
      lastEventId = null;
      serverRetryMs = null;
      reconnect();
    },
  };

  const inspectable = { kind: 'sse', connection } as const;
  if (options.autoConnect ?? true) start();
  return connection;
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
