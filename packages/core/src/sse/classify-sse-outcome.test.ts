import { describe, expect, it } from 'vitest';
import type { RealtimeErrorCode } from '../errors.js';
import { RealtimeError } from '../errors.js';
import { classifySSEOutcome, type SSEOutcome, type SSEVerdict } from './classify-sse-outcome.js';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const context = { url: 'https://api.test/events', now: () => NOW };

function response(status: number, headers: Record<string, string> = {}): SSEOutcome {
  return { type: 'response', status, headers: new Headers(headers) };
}

function classify(outcome: SSEOutcome): SSEVerdict {
  return classifySSEOutcome(outcome, context);
}

function expectFailure(verdict: SSEVerdict, action: 'retry' | 'stop', code: RealtimeErrorCode, status?: number) {
  expect(verdict.action).toBe(action);
  if (verdict.action === 'open') throw new Error('expected a failure');
  expect(verdict.error).toBeInstanceOf(RealtimeError);
  expect(verdict.error.code).toBe(code);
  expect(verdict.error.status).toBe(status);
  expect(verdict.error.retryable).toBe(action === 'retry');
  expect(verdict.error.message).toContain(context.url);
  return verdict;
}

describe('classifySSEOutcome: responses', () => {
  it('opens on 200 text/event-stream, with parameters and any case', () => {
    for (const type of ['text/event-stream', 'text/event-stream; charset=utf-8', 'Text/Event-Stream ;charset=UTF-8']) {
      expect(classify(response(200, { 'content-type': type }))).toEqual({ action: 'open' });
    }
  });

  it('stops with bad_content_type on 200 with another or no content type', () => {
    const variants: Record<string, string>[] = [
      { 'content-type': 'text/html; charset=utf-8' },
      { 'content-type': 'application/json' },
      {},
    ];
    for (const headers of variants) {
      const verdict = expectFailure(classify(response(200, headers)), 'stop', 'bad_content_type', 200);
      expect(verdict.error.message).toMatch(/text\/event-stream/);
    }
  });

  it('stops with no_content on 204', () => {
    expectFailure(classify(response(204)), 'stop', 'no_content', 204);
  });

  it('stops with unauthorized on 401 and 403, telling the user to fix credentials', () => {
    for (const status of [401, 403]) {
      const verdict = expectFailure(classify(response(status)), 'stop', 'unauthorized', status);
      expect(verdict.error.message).toMatch(/credentials/);
      expect(verdict.error.message).toMatch(/reconnect\(\)/);
    }
  });

  it('stops with not_found on 404', () => {
    expectFailure(classify(response(404)), 'stop', 'not_found', 404);
  });

  it('stops with http_error on other 4xx, other 2xx and 3xx', () => {
    for (const status of [201, 206, 301, 400, 405, 408, 410, 418, 422, 451]) {
      expectFailure(classify(response(status, { 'content-type': 'text/event-stream' })), 'stop', 'http_error', status);
    }
  });

  it('retries 429 as rate_limited, honouring Retry-After in seconds or as an HTTP date', () => {
    const plain = expectFailure(classify(response(429)), 'retry', 'rate_limited', 429);
    expect(plain.action === 'retry' && plain.delayMs).toBeUndefined();

    const seconds = classify(response(429, { 'retry-after': '7' }));
    expect(seconds.action === 'retry' && seconds.delayMs).toBe(7000);

    const date = classify(response(429, { 'retry-after': new Date(NOW + 90_000).toUTCString() }));
    expect(date.action === 'retry' && date.delayMs).toBe(90_000);

    const past = classify(response(429, { 'retry-after': new Date(NOW - 5_000).toUTCString() }));
    expect(past.action === 'retry' && past.delayMs).toBe(0);

    const garbage = classify(response(429, { 'retry-after': 'soon' }));
    expect(garbage.action === 'retry' && garbage.delayMs).toBeUndefined();
  });

  it('retries every 5xx as server_error with backoff', () => {
    for (const status of [500, 502, 503, 504, 599]) {
      const verdict = expectFailure(classify(response(status)), 'retry', 'server_error', status);
      expect(verdict.action === 'retry' && verdict.delayMs).toBeUndefined();
    }
  });

  it('opens only for 200 and retries only 429 and 5xx, over every status', () => {
    for (let status = 200; status <= 599; status++) {
      const verdict = classify(response(status, { 'content-type': 'text/event-stream' }));
      const expected = status === 200 ? 'open' : status === 429 || status >= 500 ? 'retry' : 'stop';
      expect(verdict.action, `status ${status}`).toBe(expected);
    }
  });
});

describe('classifySSEOutcome: failures without a response', () => {
  it('retries a fetch rejection as network, including the undici cause', () => {
    const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    const verdict = expectFailure(classify({ type: 'fetch-error', cause }), 'retry', 'network');
    expect(verdict.error.message).toContain('ECONNREFUSED');
    expect(verdict.error.cause).toBe(cause);
  });

  it('retries a read error as network', () => {
    const cause = new TypeError('terminated');
    const verdict = expectFailure(classify({ type: 'read-error', cause }), 'retry', 'network');
    expect(verdict.error.message).toMatch(/cut/);
    expect(verdict.error.cause).toBe(cause);
  });

  it('retries a clean end of stream as network, saying the server closed it', () => {
    const verdict = expectFailure(classify({ type: 'stream-end' }), 'retry', 'network');
    expect(verdict.error.message).toMatch(/server closed the stream/);
  });

  it('retries a heartbeat timeout as heartbeat_timeout, naming the limit', () => {
    const verdict = expectFailure(
      classify({ type: 'heartbeat-timeout', timeoutMs: 1234 }),
      'retry',
      'heartbeat_timeout',
    );
    expect(verdict.error.message).toContain('1234 ms');
  });

  it('retries a throwing headers/body option as network, keeping the cause', () => {
    const cause = new Error('token service down');
    const verdict = expectFailure(classify({ type: 'request-error', cause }), 'retry', 'network');
    expect(verdict.error.message).toContain('token service down');
    expect(verdict.error.cause).toBe(cause);
  });

  it('describes non-Error causes', () => {
    const verdict = classify({ type: 'fetch-error', cause: 'boom' });
    expect(verdict.action === 'retry' && verdict.error.message).toContain('boom');
  });
});
