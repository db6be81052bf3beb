import type { SSETestResponse } from '../create-sse-test-server.js';

/** How the test server answers the next connects: a standing answer, and answers queued for a number of connects. */
export interface ResponseQueue {
  /** The answer for this connect (a queued one first, counting it down). */
  next(): SSETestResponse;
  /** See `SSETestServer.respondWith`. */
  respondWith(response: SSETestResponse, options?: { times?: number }): void;
}

export function createResponseQueue(): ResponseQueue {
  const queued: { response: SSETestResponse; remaining: number }[] = [];
  let standing: SSETestResponse = 'stream';
  return {
    next() {
      const head = queued[0];
      if (head === undefined) return standing;
      head.remaining -= 1;
      if (head.remaining <= 0) queued.shift();
      return head.response;
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
  };
}
