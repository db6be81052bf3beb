import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '../src/channel/transport.js';
import type { ConnectionState } from '../src/connection/status.js';
import type { RealtimeError, RealtimeErrorCode } from '../src/errors.js';
import { createTestNetwork } from '../src/testing/create-test-network.js';
import { pollingTransport } from '../src/transports/polling.js';
import { sseTransport } from '../src/transports/sse.js';

// One status table for every HTTP request a client makes (`httpStatusVerdict`): the same answer on the SSE GET, the
// long-polling GET and the frame POST of either transport leads to the same outcome. Each case below is written once
// and run over all four paths, against a scripted fetch, with fake timers.

type Path = 'sse GET' | 'polling GET' | 'sse POST' | 'polling POST';
const PATHS: readonly Path[] = ['sse GET', 'polling GET', 'sse POST', 'polling POST'];

interface Refusal {
  readonly status: number;
  readonly code?: string;
  readonly headers?: Record<string, string>;
}

type Outcome =
  /** Status closed with this code; no request of any kind follows. */
  | { readonly kind: 'stops'; readonly code: RealtimeErrorCode }
  /** Status reconnecting with this code; the next attempt waits exactly `delayMs` (a backoff of 1000 ms when absent). */
  | { readonly kind: 'retries'; readonly code: RealtimeErrorCode; readonly delayMs: number }
  /** A GET stops with this code; a POST drops its frame, reports the code, and the session goes on. */
  | { readonly kind: 'rejects'; readonly code: RealtimeErrorCode };

const CASES: readonly { readonly name: string; readonly refusal: Refusal; readonly outcome: Outcome }[] = [
  { name: '401', refusal: { status: 401 }, outcome: { kind: 'stops', code: 'unauthorized' } },
  { name: '403 forbidden', refusal: { status: 403, code: 'forbidden' }, outcome: { kind: 'stops', code: 'forbidden' } },
  { name: '404', refusal: { status: 404 }, outcome: { kind: 'stops', code: 'not_found' } },
  {
    name: '401 token_expired',
    refusal: { status: 401, code: 'token_expired' },
    outcome: { kind: 'retries', code: 'token_expired', delayMs: 0 },
  },
  {
    name: '410 session_gone',
    refusal: { status: 410, code: 'session_gone' },
    outcome: { kind: 'retries', code: 'session_gone', delayMs: 0 },
  },
  {
    name: '429 + Retry-After',
    refusal: { status: 429, headers: { 'retry-after': '7' } },
    outcome: { kind: 'retries', code: 'rate_limited', delayMs: 7000 },
  },
  { name: '429', refusal: { status: 429 }, outcome: { kind: 'retries', code: 'rate_limited', delayMs: 1000 } },
  {
    name: '503 + Retry-After',
    refusal: { status: 503, code: 'unavailable', headers: { 'retry-after': '3' } },
    outcome: { kind: 'retries', code: 'unavailable', delayMs: 3000 },
  },
  { name: '500', refusal: { status: 500 }, outcome: { kind: 'retries', code: 'server_error', delayMs: 1000 } },
  { name: '400', refusal: { status: 400 }, outcome: { kind: 'rejects', code: 'http_error' } },
  {
    name: '413',
    refusal: { status: 413, code: 'message_too_large' },
    outcome: { kind: 'rejects', code: 'message_too_large' },
  },
];

const URL_BASE = 'http://realtime.test/api/realtime';
const welcome = (n: number) => ({
  type: 'welcome',
  v: 2,
  connectionId: `c${n}`,
  heartbeatMs: 15_000,
  session: `i.s${n}`,
});

/** A fetch that answers like `createChannelEndpoint`, except that requests on `path` get `refusal`. */
function scriptedEndpoint(path: Path, refusal: Refusal) {
  /** Every request; `opening`: a GET that starts a session (an SSE GET, a poll naming no session). */
  const requests: { kind: 'sse' | 'poll' | 'post'; opening: boolean; authorization: string | null }[] = [];
  let sessions = 0;
  const refuse = () =>
    new Response(
      refusal.code === undefined
        ? null
        : JSON.stringify({ error: { code: refusal.code, message: `refused (${refusal.code})` } }),
      {
        status: refusal.status,
        headers: { ...(refusal.code === undefined ? {} : { 'content-type': 'application/json' }), ...refusal.headers },
      },
    );
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    const kind = method === 'POST' ? 'post' : url.searchParams.get('transport') === 'polling' ? 'poll' : 'sse';
    const opening = kind === 'sse' || (kind === 'poll' && !url.searchParams.has('session'));
    requests.push({ kind, opening, authorization: new Headers(init.headers).get('authorization') });
    const transportOfPath = path.startsWith('sse') ? 'sse' : 'poll';
    if (kind === 'post') return path.endsWith('POST') ? refuse() : new Response(null, { status: 204 });
    if (path.endsWith('GET') && kind === transportOfPath) return refuse();
    if (kind === 'poll' && url.searchParams.has('session')) return hang(init.signal);
    sessions += 1;
    if (kind === 'poll') return Response.json([welcome(sessions)], { headers: { 'x-realtime-batch': '1' } });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(welcome(sessions))}\n\n`));
        init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** A long poll that answers nothing until it is aborted. */
function hang(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_resolve, reject) =>
    signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
  );
}

function setup(path: Path, refusal: Refusal) {
  const endpoint = scriptedEndpoint(path, refusal);
  let token = 0;
  const options = {
    url: URL_BASE,
    fetch: endpoint.fetch,
    network: createTestNetwork(),
    headers: () => ({ authorization: `Bearer t${++token}` }),
    backoff: { minMs: 1000, maxMs: 30_000, factor: 2, random: () => 1 },
  };
  const transport: Transport & { onError(listener: (error: RealtimeError) => void): () => void } = path.startsWith(
    'sse',
  )
    ? sseTransport(options)
    : pollingTransport(options);
  const errors: RealtimeError[] = [];
  transport.onError((error) => errors.push(error));
  /** Every state the transport showed, so a retry scheduled at 0 ms is seen even after it ran. */
  const states: ConnectionState[] = [];
  transport.subscribe(() => states.push(transport.getSnapshot()));
  transport.connect();
  return { transport, errors, states, requests: endpoint.requests };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('one HTTP status table on every path (SSE GET, polling GET, POST of either transport)', () => {
  for (const { name, refusal, outcome } of CASES) {
    for (const path of PATHS) {
      const isPost = path.endsWith('POST');
      const expected = outcome.kind === 'rejects' ? (isPost ? 'goes on' : 'stops') : outcome.kind;
      it(`${name} on the ${path} → ${expected} with ${outcome.code}`, async () => {
        const { transport, errors, states, requests } = setup(path, refusal);
        await vi.advanceTimersByTimeAsync(0);
        if (isPost) {
          expect(transport.getSnapshot().status).toBe('open');
          expect(transport.send({ type: 'ping', t: 1 })).toBe(true);
          await vi.advanceTimersByTimeAsync(0);
        }
        const state = transport.getSnapshot();
        expect(errors.map((error) => error.code)).toContain(outcome.code);
        const reported = errors.find((error) => error.code === outcome.code)!;
        expect(reported.status).toBe(refusal.status);
        if (refusal.code !== undefined) expect(reported.message).toContain(`refused (${refusal.code})`);
        const before = requests.length;

        if (expected === 'stops') {
          expect(state).toMatchObject({ status: 'closed', retryInMs: null });
          expect(state.error?.code).toBe(outcome.code);
          expect(reported.retryable).toBe(false);
          await vi.advanceTimersByTimeAsync(120_000);
          expect(requests).toHaveLength(before);
          return;
        }
        if (expected === 'goes on') {
          expect(state.status).toBe('open');
          expect(reported.retryable).toBe(false);
          // Less than the liveness bounds (45 s SSE heartbeat timeout, 40 s poll timeout), which would reconnect.
          await vi.advanceTimersByTimeAsync(30_000);
          expect(transport.getSnapshot().status).toBe('open');
          expect(requests.filter((request) => request.opening)).toHaveLength(1);
          return;
        }
        if (outcome.kind !== 'retries') throw new Error('unreachable');
        const retrying = states.find((seen) => seen.status === 'reconnecting' && seen.retryInMs !== null);
        expect(retrying).toMatchObject({ retryInMs: outcome.delayMs });
        expect(retrying?.error?.code).toBe(outcome.code);
        expect(reported.retryable).toBe(true);
        const opens = () => requests.filter((request) => request.opening).length;
        if (outcome.delayMs > 0) {
          expect(state).toBe(retrying);
          await vi.advanceTimersByTimeAsync(outcome.delayMs - 1);
          expect(opens()).toBe(1);
          await vi.advanceTimersByTimeAsync(1);
        }
        expect(opens()).toBe(2);
        // Every request asks for credentials afresh (the headers function), which is what a retry "at once" relies on.
        const authorizations = requests.map((request) => request.authorization);
        expect(new Set(authorizations).size).toBe(authorizations.length);
      });
    }
  }

  it('a second token_expired in a row on a GET stops: the fresh credentials were refused too', async () => {
    for (const path of ['sse GET', 'polling GET'] as const) {
      const { transport, requests } = setup(path, { status: 401, code: 'token_expired' });
      await vi.advanceTimersByTimeAsync(0);
      expect(transport.getSnapshot().status).toBe('closed');
      expect(transport.getSnapshot().error?.code).toBe('token_expired');
      expect(requests).toHaveLength(2);
    }
  });

  it('a POST refused session_gone after every new session meets a growing backoff, not a hot loop', async () => {
    for (const path of ['sse POST', 'polling POST'] as const) {
      const { transport, states, requests } = setup(path, { status: 410, code: 'session_gone' });
      for (let round = 0; round < 4; round += 1) {
        await vi.advanceTimersByTimeAsync(0);
        expect(transport.getSnapshot().status).toBe('open');
        transport.send({ type: 'ping', t: round });
        await vi.advanceTimersByTimeAsync(0);
        await vi.advanceTimersByTimeAsync(transport.getSnapshot().retryInMs ?? 0);
      }
      const delays = states
        .filter((seen) => seen.status === 'reconnecting' && seen.retryInMs !== null)
        .map((seen) => seen.retryInMs);
      expect(delays).toEqual([0, 1000, 2000, 4000]);
      expect(requests.filter((request) => request.kind === 'post')).toHaveLength(4);
      transport.close();
    }
  });
});
