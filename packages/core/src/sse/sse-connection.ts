import { backoff, DEFAULT_BACKOFF, type BackoffOptions } from '../connection/backoff.js';
import { readRefusalBody } from '../connection/http-refusal.js';
import { createReconnectEngine, type Attempt, type AttemptVerdict } from '../connection/reconnect-engine.js';
import { classifySSEOutcome, type SSEOutcome } from './classify-sse-outcome.js';
import { createEventStreamParser, type EventStreamEvent } from './event-stream-parser.js';
import { createSSEListeners } from './sse-listeners.js';
import { prepareSSERequest } from './prepare-sse-request.js';
import type { SSEConnection, SSEOptions } from './types.js';

/**
 * Default of {@link SSEOptions.heartbeatTimeoutMs}: three of `createEventStream`'s 15 s heartbeats may go missing
 * before a stream is presumed dead, so a stream a proxy keeps open after its server is gone is noticed within 45 s.
 */
export const DEFAULT_SSE_HEARTBEAT_TIMEOUT_MS = 45_000;

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
  return composeSSEConnection(url, options)[0];
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
  let current: Attempt | null = null;
  const [connection, settle] = composeSSEConnection(url, options, (attempt) => {
    current = attempt;
  });
  return {
    connection,
    interrupt(verdict) {
      if (current?.live()) settle(current, verdict);
    },
  };
}

/**
 * The SSE connection to `url`, and how to end one of its attempts with a verdict (telling the `'error'` listeners);
 * `began` hears of every attempt. The parts it composes: {@link createSSEListeners} (`on` and parsed delivery),
 * {@link prepareSSERequest} (the request), the reconnect engine (the lifecycle); the attempt itself (request,
 * verdict, reading the stream, heartbeat timeout) is here.
 */
function composeSSEConnection<T>(
  url: string,
  options: SSEOptions<T>,
  began?: (attempt: Attempt) => void,
): readonly [connection: SSEConnection<T>, settle: (attempt: Attempt, verdict: AttemptVerdict) => void] {
  const fetchImpl = sseFetch(options.fetch);
  const heartbeatMs = heartbeatTimeout(options.heartbeatTimeoutMs);
  const now = options.now ?? (() => Date.now());
  const context = { url, now };

  let lastEventId: string | null = options.lastEventId || null;
  /** `lastEventId` changed while parsing the current chunk and is not in the state yet. */
  let resumePointMoved = false;
  let serverRetryMs: number | null = null;
  /** The heartbeat timeout (clearing one that already ran is harmless). */
  let heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  const [on, deliver, emitError] = createSSEListeners<T>(url, options.parse ?? 'json');

  const engine = createReconnectEngine({
    begin(attempt) {
      began?.(attempt);
      void run(attempt);
    },
    end: () => clearTimeout(heartbeatTimer),
    retryDelay: (failures) => backoff(failures, withRetryHint(options.backoff, serverRetryMs)),
    lastEventId: () => lastEventId,
    inspectable: () => inspectable,
    network: options.network,
    now,
    backoff: options.backoff,
  });

  async function run(attempt: Attempt) {
    // One try for both steps: the step that threw names the outcome.
    let failing: 'request-error' | 'fetch-error' = 'request-error';
    let response: Response;
    try {
      const init = await prepareSSERequest(options, attempt.signal, () => lastEventId);
      if (!attempt.live()) return;
      armHeartbeat(attempt);
      failing = 'fetch-error';
      response = await fetchImpl(url, init);
    } catch (cause) {
      return fail(attempt, { type: failing, cause });
    }
    if (!attempt.live()) return discard(response);
    const opens = response.status === 200 || response.status === 204;
    const body = opens ? undefined : await readRefusalBody(response);
    if (!attempt.live()) return;
    const verdict = classifySSEOutcome(
      { type: 'response', status: response.status, headers: response.headers, ...(body ? { body } : {}) },
      context,
    );
    if (verdict.action !== 'open') {
      discard(response);
      return settle(attempt, verdict);
    }
    armHeartbeat(attempt);
    attempt.open();
    if (!attempt.live()) return discard(response);
    await read(attempt, response.body);
  }

  async function read(attempt: Attempt, body: ReadableStream<Uint8Array> | null) {
    const live = attempt.live;
    if (body === null) return fail(attempt, { type: 'stream-end' });
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
        // The parser keeps an unterminated last event buffered; it is dropped, not flushed (WHATWG).
        if (done) return fail(attempt, { type: 'stream-end' });
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
    deliver(raw);
  }

  function fail(attempt: Attempt, outcome: Exclude<SSEOutcome, { type: 'response' }>) {
    if (attempt.live()) settle(attempt, classifySSEOutcome(outcome, context) as AttemptVerdict);
  }

  function settle(attempt: Attempt, verdict: AttemptVerdict) {
    attempt.fail(verdict);
    emitError({ error: verdict.error });
  }

  function armHeartbeat(attempt: Attempt) {
    if (heartbeatMs === null) return;
    clearTimeout(heartbeatTimer);
    heartbeatTimer = setTimeout(
      () => fail(attempt, { type: 'heartbeat-timeout', timeoutMs: heartbeatMs }),
      heartbeatMs,
    );
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
  return [connection, settle];
}

/** The fetch to use: the option, or the global one resolved per call. Throws now in a runtime with neither. */
function sseFetch(option: SSEOptions<unknown>['fetch']): (input: string, init: RequestInit) => Promise<Response> {
  if (option === undefined && typeof globalThis.fetch !== 'function') {
    throw new TypeError('createSSEConnection: this runtime has no global fetch; pass options.fetch.');
  }
  // Resolved per call, so a fetch polyfilled after import is used and `window.fetch` keeps its `this`.
  return option ?? ((input, init) => globalThis.fetch(input, init));
}

/** The heartbeat timeout in ms, or null when turned off; throws now for a value that is neither. */
function heartbeatTimeout(option: number | false | undefined): number | null {
  const timeoutMs = option ?? DEFAULT_SSE_HEARTBEAT_TIMEOUT_MS;
  // `false` and 0 turn it off, as `heartbeatMs` does on the server.
  if (timeoutMs === false || timeoutMs === 0) return null;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new RangeError(`createSSEConnection: heartbeatTimeoutMs must be a positive number (got ${timeoutMs}).`);
  }
  return timeoutMs;
}

/** The backoff after the server's `retry:` field: at least that long, and capped no lower. */
function withRetryHint(given: BackoffOptions | undefined, serverRetryMs: number | null): BackoffOptions | undefined {
  if (serverRetryMs === null) return given;
  const maxMs = Math.max(given?.maxMs ?? DEFAULT_BACKOFF.maxMs, serverRetryMs);
  return { ...given, minMs: serverRetryMs, maxMs };
}

/** Releases a response that will not be read, so its connection can close or be reused. */
function discard(response: Response) {
  response.body?.cancel().catch(() => {});
}
