import { reportListenerError } from '../../lib/report-listener-error.js';
import type { SSETestRequest } from '../create-sse-test-server.js';
import type { OpenStreams } from './open-streams.js';
import { abortReason, baseUrl, pathOf } from './request-url.js';
import type { ResponseQueue } from './response-queue.js';

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** What the test server's `fetch` records requests in and answers them from. */
export interface TestServerFetchParts {
  readonly responses: ResponseQueue;
  readonly streams: OpenStreams;
  readonly requests: SSETestRequest[];
  readonly requestListeners: ReadonlySet<(request: Request) => void>;
}

/** The test server's fake `fetch`: records each request, tells the listeners, and answers as the queue says. */
export function createTestServerFetch({
  responses,
  streams,
  requests,
  requestListeners,
}: TestServerFetchParts): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const signal = init?.signal ?? (isRequest ? (input as Request).signal : null);
    // Chosen at call time, so the order of fetch calls (not of body reads) decides who gets which answer.
    const response = responses.next();
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
    if (response === 'stream') return streams.open(pathOf(url), signal);
    return new Response(NULL_BODY_STATUSES.has(response.status) ? null : (response.body ?? null), {
      status: response.status,
      headers: response.headers,
    });
  };
}

function withDuplex(init: RequestInit): RequestInit {
  // Streaming request bodies need `duplex: 'half'` (not yet in TypeScript's RequestInit).
  if (typeof ReadableStream !== 'undefined' && init.body instanceof ReadableStream) {
    return { ...init, duplex: 'half' } as RequestInit;
  }
  return init;
}
