import { encodeComment, encodeSSE, type SSETestMessage } from './encode-sse.js';
import { createOpenStreams } from './sse-test-server/open-streams.js';
import { createResponseQueue } from './sse-test-server/response-queue.js';
import { createTestServerFetch } from './sse-test-server/test-server-fetch.js';

/**
 * How the test server answers a connect:
 * - `'stream'` (default): 200 `text/event-stream`, kept open; drive it with `send`, `end`, `fail`.
 * - `{ status, headers?, body? }`: exactly that response, then done. Headers are only those given
 *   (a string body gets `text/plain`, as `fetch` does): add `content-type: text/event-stream` for an SSE body.
 * - `'hang'`: never answers; rejects with the abort reason once the request is aborted.
 * - `'network-error'`: `fetch` rejects with a `TypeError`, as a real one does when the network fails.
 */
export type SSETestResponse =
  { status: number; headers?: HeadersInit; body?: string } | 'stream' | 'hang' | 'network-error';

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
  const responses = createResponseQueue();
  const streams = createOpenStreams();
  const requests: SSETestRequest[] = [];
  const requestListeners = new Set<(request: Request) => void>();

  return {
    fetch: createTestServerFetch({ responses, streams, requests, requestListeners }),
    get connections() {
      return streams.size;
    },
    get requests() {
      return requests;
    },
    respondWith: responses.respondWith,
    send(message, target) {
      streams.write(encodeSSE(message), target);
    },
    sendRaw(text, target) {
      streams.write(text, target);
    },
    comment(text, target) {
      streams.write(encodeComment(text), target);
    },
    end(target) {
      streams.end(target);
    },
    fail(error = new TypeError('network error (SSETestServer: fail)'), target) {
      streams.fail(error, target);
    },
    waitForConnections(count, options = {}) {
      return streams.waitFor(count, options.timeoutMs ?? DEFAULT_WAIT_MS);
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
