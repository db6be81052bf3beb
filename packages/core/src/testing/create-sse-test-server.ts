import { reportListenerError } from '../lib/report-listener-error.js';
import { encodeComment, encodeSSE, type SSETestMessage } from './encode-sse.js';

/**
 * How the test server answers a connect:
 * - `'stream'` (default): 200 `text/event-stream`, kept open; drive it with `send`, `end`, `fail`.
 * - `{ status, headers?, body? }`: exactly that response, then done. Headers are only those given
 *   (a string body gets `text/plain`, as `fetch` does): add `content-type: text/event-stream` for an SSE body.
 * - `'hang'`: never answers; rejects with the abort reason once the request is aborted.
 * - `'network-error'`: `fetch` rejects with a `TypeError`, as a real one does when the network fails.
 */
export type SSETestResponse =
  | { status: number; headers?: HeadersInit; body?: string }
  | 'stream'
  | 'hang'
  | 'network-error';

/** A request the test server received, in arrival order. */
export interface SSETestRequest {
  /** The URL as the client passed it to `fetch` (relative stays relative). */
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The body as text; null when the request had none. */
  readonly body: string | null;
  /** The `Last-Event-ID` header, or null. */
  readonly lastEventId: string | null;
}

/** Which open streams an action applies to: all of them, or those whose pathname + search equal `url`'s. */
export interface SSETestTarget {
  url?: string;
}

/** An in-memory SSE server behind a fake `fetch`. Runs in browsers, happy-dom and Node: no Node-only APIs. */
export interface SSETestServer {
  /** Pass as `SSEOptions.fetch`; each request opens an in-memory `text/event-stream` response (a real `Response` with a `ReadableStream` body). */
  fetch: typeof fetch;
  /** Streams currently open: answered and neither ended, failed, cancelled nor aborted. */
  readonly connections: number;
  /** Every request received so far, oldest first. */
  readonly requests: ReadonlyArray<SSETestRequest>;
  /**
   * How the next connect(s) answer; default `'stream'`. With `times`, the answer applies to that many
   * connects (queued in order), then the standing answer returns. Without `times` (or `Infinity`) it becomes
   * the standing answer and clears any queued ones.
   */
  respondWith(response: SSETestResponse, options?: { times?: number }): void;
  /** Sends one event to every open stream (or only those matching `target.url`). */
  send(message: SSETestMessage, target?: SSETestTarget): void;
  /** Writes raw text, unframed, for framing tests (CR line ends, split chunks, BOM). */
  sendRaw(text: string, target?: SSETestTarget): void;
  /** Sends a comment line (`: text`), which keeps a heartbeat alive without dispatching an event. */
  comment(text?: string, target?: SSETestTarget): void;
  /** Ends open streams cleanly, as a server closing the response. */
  end(target?: SSETestTarget): void;
  /** Errors open streams, as a network cut: the client's read rejects with `error` (default a `TypeError`). */
  fail(error?: unknown, target?: SSETestTarget): void;
  /** Resolves once exactly `count` streams are open; rejects after `timeoutMs` (default 2000). */
  waitForConnections(count: number, options?: { timeoutMs?: number }): Promise<void>;
  /** Calls `listener` with (a clone of) every incoming request. Returns the function that removes it. */
  onRequest(listener: (request: Request) => void): () => void;
}

interface OpenStream {
  readonly path: string;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  detach(): void;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const DEFAULT_WAIT_MS = 2000;

/**
 * Creates an in-memory SSE server. Requests are answered as {@link SSETestServer.respondWith} says;
 * streams stay open until you `end` or `fail` them or the client aborts.
 * @example
 * const server = createSSETestServer();
 * const events = createSSEConnection('/events', { fetch: server.fetch });
 * await server.waitForConnections(1);
 * server.send({ id: '1', event: 'price', data: { usd: 10 } });
 */
export function createSSETestServer(): SSETestServer {
  const streams = new Set<OpenStream>();
  const requests: SSETestRequest[] = [];
  const requestListeners = new Set<(request: Request) => void>();
  const countWatchers = new Set<() => void>();
  const queued: { response: SSETestResponse; remaining: number }[] = [];
  let standing: SSETestResponse = 'stream';
  const encoder = new TextEncoder();

  function nextResponse(): SSETestResponse {
    const head = queued[0];
    if (head === undefined) return standing;
    head.remaining -= 1;
    if (head.remaining <= 0) queued.shift();
    return head.response;
  }

  function changed() {
    for (const watcher of [...countWatchers]) watcher();
  }

  function remove(stream: OpenStream): boolean {
    if (!streams.delete(stream)) return false;
    stream.detach();
    changed();
    return true;
  }

  function targets(target: SSETestTarget | undefined): OpenStream[] {
    if (target?.url === undefined) return [...streams];
    const path = pathOf(target.url);
    return [...streams].filter((stream) => stream.path === path);
  }

  function write(text: string, target: SSETestTarget | undefined) {
    const bytes = encoder.encode(text);
    for (const stream of targets(target)) {
      try {
        stream.controller.enqueue(bytes);
      } catch {
        // The consumer cancelled between our bookkeeping and this write: it is gone.
        remove(stream);
      }
    }
  }

  function openStream(path: string, signal: AbortSignal | null): Response {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        remove(stream);
      },
    });
    const stream: OpenStream = { path, controller, detach: () => {} };
    if (signal !== null) {
      const onAbort = () => {
        if (remove(stream)) settleQuietly(() => controller.error(abortReason(signal)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.detach = () => signal.removeEventListener('abort', onAbort);
    }
    streams.add(stream);
    changed();
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' },
    });
  }

  async function fetchImpl(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const signal = init?.signal ?? (isRequest ? (input as Request).signal : null);
    // Chosen at call time, so the order of fetch calls (not of body reads) decides who gets which answer.
    const response = nextResponse();
    if (signal?.aborted) throw abortReason(signal);

    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : (input as Request).url;
    // The signal is observed here, not handed to Request: in DOM-emulating test environments the
    // page's AbortSignal and the runtime's Request can come from different realms and reject each other.
    const { signal: _signal, ...rest } = init ?? {};
    const request = new Request(isRequest ? (input as Request) : new URL(url, baseUrl()).href, withDuplex(rest));
    for (const listener of [...requestListeners]) {
      try {
        listener(request.clone());
      } catch (error) {
        reportListenerError(error);
      }
    }
    const body = request.body === null ? null : await request.text();
    requests.push({
      url,
      method: request.method,
      headers: request.headers,
      body,
      lastEventId: request.headers.get('last-event-id'),
    });
    if (signal?.aborted) throw abortReason(signal);

    if (response === 'network-error') throw new TypeError('fetch failed (SSETestServer: network-error)');
    if (response === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
      });
    }
    if (response === 'stream') return openStream(pathOf(url), signal);
    return new Response(NULL_BODY_STATUSES.has(response.status) ? null : (response.body ?? null), {
      status: response.status,
      headers: response.headers,
    });
  }

  return {
    fetch: fetchImpl,
    get connections() {
      return streams.size;
    },
    get requests() {
      return requests;
    },
    respondWith(response, options = {}) {
      const times = options.times ?? Infinity;
      if (times === Infinity) {
        standing = response;
        queued.length = 0;
        return;
      }
      if (!(times >= 1) || !Number.isInteger(times)) {
        throw new RangeError(`respondWith: times must be a positive integer or Infinity (got ${times}).`);
      }
      queued.push({ response, remaining: times });
    },
    send(message, target) {
      write(encodeSSE(message), target);
    },
    sendRaw(text, target) {
      write(text, target);
    },
    comment(text, target) {
      write(encodeComment(text), target);
    },
    end(target) {
      for (const stream of targets(target)) {
        remove(stream);
        settleQuietly(() => stream.controller.close());
      }
    },
    fail(error = new TypeError('network error (SSETestServer: fail)'), target) {
      for (const stream of targets(target)) {
        remove(stream);
        settleQuietly(() => stream.controller.error(error));
      }
    },
    waitForConnections(count, options = {}) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
      return new Promise<void>((resolve, reject) => {
        if (streams.size === count) {
          resolve();
          return;
        }
        const done = () => {
          clearTimeout(timer);
          countWatchers.delete(watch);
        };
        const watch = () => {
          if (streams.size !== count) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`waitForConnections(${count}): ${streams.size} streams open after ${timeoutMs} ms.`));
        }, timeoutMs);
        countWatchers.add(watch);
      });
    },
    onRequest(listener) {
      const entry = (request: Request) => listener(request);
      requestListeners.add(entry);
      return () => {
        requestListeners.delete(entry);
      };
    },
  };
}

function baseUrl(): string {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  if (typeof href === 'string') {
    try {
      // about:blank and other opaque bases cannot resolve a path.
      if (new URL('/', href).origin !== 'null') return href;
    } catch {
      // fall through
    }
  }
  return 'http://localhost/';
}

function pathOf(url: string): string {
  const parsed = new URL(url, baseUrl());
  return parsed.pathname + parsed.search;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function withDuplex(init: RequestInit): RequestInit {
  // Streaming request bodies need `duplex: 'half'` (not yet in TypeScript's RequestInit).
  if (typeof ReadableStream !== 'undefined' && init.body instanceof ReadableStream) {
    return { ...init, duplex: 'half' } as RequestInit;
  }
  return init;
}

function settleQuietly(action: () => void) {
  try {
    action();
  } catch {
    // The stream was already closed or errored by its consumer: nothing left to do.
  }
}
