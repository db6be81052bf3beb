import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersInEachTest, watchRoom } from '../../test/watch-room.js';
import { SESSION_HEADER, type ClientFrame, type ServerFrame } from '../protocol/frames.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import { pollingTransport } from './polling.js';

/** A fixed backoff of 500 ms. */
const BACKOFF = { minMs: 1000, maxMs: 1000, random: () => 0.5 };
/** How long the fake server holds an empty poll, as `createChannelEndpoint`'s default `polling.waitMs`. */
const WAIT_MS = 25_000;

interface Session {
  readonly id: string;
  readonly channels: Set<string>;
  queue: ServerFrame[];
  wake: (() => void) | null;
  /** A proxy swallows this session's polls: they are never answered (nor refused). */
  swallowed: boolean;
}

/**
 * A long-polling server over fake fetch: `GET ?transport=polling` opens a session (`[welcome]`), a poll with
 * `session` answers waiting frames or holds for {@link WAIT_MS} then `[]`; POSTs take subscribes (answered with
 * `subscribed` and a replay after `after`).
 */
function createPollingServer() {
  const sessions: Session[] = [];
  /** Sessions the server forgot (ended, expired, restarted): their polls and POSTs get 410 `session_gone`. */
  const gone = new Set<string>();
  const posted: ClientFrame[] = [];
  const log: Extract<ServerFrame, { type: 'message' }>[] = [];

  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

  function push(session: Session, frame: ServerFrame) {
    session.queue.push(frame);
    session.wake?.();
  }

  async function poll(session: Session, signal: AbortSignal): Promise<Response> {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      if (session.swallowed) return;
      if (session.queue.length > 0) return resolve();
      const timer = setTimeout(() => resolve(), WAIT_MS);
      session.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    session.wake = null;
    return json(session.queue.splice(0));
  }

  const sessionGone = () =>
    new Response(JSON.stringify({ error: { code: 'session_gone', message: 'No open session with that token.' } }), {
      status: 410,
      headers: { 'content-type': 'application/json' },
    });

  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'https://app.test');
    const named =
      init.method === 'POST' ? new Headers(init.headers).get(SESSION_HEADER) : url.searchParams.get('session');
    if (named !== null && gone.has(named)) return sessionGone();
    if (init.method === 'POST') {
      const session = sessions.find((candidate) => candidate.id === new Headers(init.headers).get(SESSION_HEADER));
      if (session === undefined) return new Response(null, { status: 404 });
      const body = JSON.parse(String(init.body)) as ClientFrame | ClientFrame[];
      for (const frame of Array.isArray(body) ? body : [body]) {
        posted.push(frame);
        if (frame.type !== 'subscribe') continue;
        session.channels.add(frame.channel);
        push(session, { type: 'subscribed', channel: frame.channel, seq: log.length });
        for (const message of log.slice(frame.after ?? log.length)) push(session, message);
      }
      return new Response(null, { status: 204 });
    }
    const id = url.searchParams.get('session');
    if (id === null) {
      const session: Session = {
        id: `s${sessions.length + 1}`,
        channels: new Set(),
        queue: [],
        wake: null,
        swallowed: false,
      };
      sessions.push(session);
      return json([{ type: 'welcome', v: 1, connectionId: session.id, heartbeatMs: 0 }]);
    }
    const session = sessions.find((candidate) => candidate.id === id);
    if (session === undefined) return new Response(null, { status: 404 });
    return poll(session, init.signal!);
  };

  function publish(channel: string, data: unknown) {
    const seq = log.length + 1;
    const message = { type: 'message', channel, id: `m${seq}`, seq, event: 'message', data, at: 0 } as const;
    log.push(message);
    for (const session of sessions) if (session.channels.has(channel)) push(session, message);
  }

  /** The server forgets a session: its held poll is answered `[]`, and every later request naming it gets 410. */
  function forget(session: Session) {
    gone.add(session.id);
    session.channels.clear();
    session.wake?.();
  }

  return { fetch: fetch as typeof globalThis.fetch, sessions, posted, publish, forget };
}

function setup() {
  const server = createPollingServer();
  const transport = pollingTransport({
    url: 'https://app.test/api/realtime',
    fetch: server.fetch,
    backoff: BACKOFF,
    network: createTestNetwork(),
  });
  return { ...server, ...watchRoom(transport) };
}

useFakeTimersInEachTest();

describe('pollingTransport: a dead poll is noticed within 45 s', () => {
  it('gives up on a poll unanswered for 40 s (pollTimeoutMs), opens a new session and resumes what was missed', async () => {
    const { publish, sessions, posted, errors, received, status, client } = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(status()).toBe('open');
    publish('room', { n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([{ n: 1 }]);

    sessions[0]!.swallowed = true;
    // The poll in flight is held until the server's 25 s wait ends; the next one is swallowed.
    await vi.advanceTimersByTimeAsync(WAIT_MS);
    publish('room', { n: 2 });
    await vi.advanceTimersByTimeAsync(39_999);
    expect(status()).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(status()).toBe('reconnecting');
    expect(errors.map((error) => error.code)).toEqual(['timeout']);

    await vi.advanceTimersByTimeAsync(500);
    expect(sessions).toHaveLength(2);
    expect(status()).toBe('open');
    expect(posted.filter((frame) => frame.type === 'subscribe').at(-1)).toMatchObject({ channel: 'room', after: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([{ n: 1 }, { n: 2 }]);
    client.close();
  });

  it('keeps a quiet session open: the server answers each held poll with [] after 25 s', async () => {
    const { sessions, errors, status, client } = setup();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(status()).toBe('open');
    expect(sessions).toHaveLength(1);
    expect(errors).toEqual([]);
    client.close();
  });
});

describe('pollingTransport: a session the server forgot', () => {
  it('is answered 410 session_gone: the client opens a new session and resumes what was missed', async () => {
    const { publish, sessions, posted, forget, errors, received, status, client } = setup();
    await vi.advanceTimersByTimeAsync(0);
    publish('room', { n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([{ n: 1 }]);

    forget(sessions[0]!);
    publish('room', { n: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.map((error) => error.code)).toEqual(['session_gone']);
    // session_gone retries at once (core's status table): no backoff before the new session.
    expect(sessions).toHaveLength(2);
    expect(status()).toBe('open');
    expect(posted.filter((frame) => frame.type === 'subscribe').at(-1)).toMatchObject({ channel: 'room', after: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([{ n: 1 }, { n: 2 }]);
    client.close();
  });
});
