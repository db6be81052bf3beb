// Shared state against real servers on 127.0.0.1: two instances over one real redis-server, each serving the
// WebSocket endpoint and the SSE + POST / long-polling endpoint, with clients on all three carriers acting at once.
// The invariant: every client ends on the state the server stored last, each user's actions in their order, illegal
// ones refused with a typed error and rolled back; a late joiner and an instance replaced by a fresh process read
// the newest state without a replay.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createRealtimeClient,
  createSharedState,
  defineSharedState,
  refuseAction,
  type SharedState,
  type Transport,
} from '@realtime-kit/core';
import { pollingTransport } from '@realtime-kit/core/polling';
import { socketIOTransport } from '@realtime-kit/core/socket-io';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createChannelEndpoint, createRealtime, createWebSocketEndpoint, type RealtimeOptions } from '../src/index.js';
import { createSocketServer } from '../src/socket-io/socket-server.js';
import { serveFetch } from './fetch-bridge.js';
import { useRedis } from './redis-server.js';
import { cleanup, onCleanup, WAIT } from './ws-helpers.js';

const redisServer = useRedis();
afterEach(cleanup);

const FAST_BACKOFF = { minMs: 10, maxMs: 100 };
const online = { isOnline: () => true, subscribe: () => () => {} };

interface Board {
  readonly log: readonly string[];
  readonly last: string | null;
}
type Move = { readonly type: 'append'; readonly item: string } | { readonly type: 'turn'; readonly item: string };

/** Appends are free for all; a `turn` may not follow the same user's `turn`. */
const board = defineSharedState<Board, Move>({
  initial: { log: [], last: null },
  reducer: (state, move, { userId }) => {
    if (!userId) refuseAction('Sign in first');
    if (move.type === 'turn') {
      if (state.last === userId) refuseAction('Not your turn', { last: userId });
      return { log: [...state.log, move.item], last: userId };
    }
    return { ...state, log: [...state.log, move.item] };
  },
});

async function instance(options: RealtimeOptions = {}) {
  const realtime = await createRealtime({
    redis: redisServer.current.url,
    rateLimit: false,
    onError: () => {},
    sharedState: { 'board:': board },
    ...options,
  });
  const ws = createWebSocketEndpoint({ realtime, authenticate: (token) => (token ? { userId: token } : null) });
  const http = createChannelEndpoint({
    realtime,
    authenticate: (request) => {
      const user = request.headers.get('x-user');
      return user ? { userId: user } : null;
    },
    polling: { waitMs: 300 },
  });
  const server = createServer(
    (req, res) =>
      void serveFetch(req, res, (request) => (request.method === 'POST' ? http.POST(request) : http.GET(request))),
  );
  const sockets = createSocketServer(server, {
    realtime,
    onError: () => {},
    authenticate: (token) => (token ? { userId: token } : null),
  });
  server.on('upgrade', (request, socket, head) => {
    if (request.url?.startsWith('/realtime')) ws.handleUpgrade(request, socket, head);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      server.closeAllConnections();
      await Promise.all([ws.close(), http.close(), sockets.close()]);
      server.close();
      await realtime.close();
    })());
  onCleanup(stop);
  return { realtime, base, stop };
}

type Carrier = 'websocket' | 'sse' | 'polling' | 'socket.io';

function transportFor(base: string, user: string, carrier: Carrier): Transport {
  const url = `http://${base}/api/realtime`;
  const headers = { 'x-user': user };
  if (carrier === 'websocket')
    return websocketTransport({
      url: `ws://${base}/realtime`,
      auth: () => user,
      WebSocket: WebSocket as never,
      backoff: FAST_BACKOFF,
      heartbeat: false,
    });
  if (carrier === 'socket.io')
    return socketIOTransport(
      io(`http://${base}`, {
        autoConnect: false,
        forceNew: true,
        transports: ['websocket'],
        reconnectionDelay: 20,
        reconnectionDelayMax: 100,
        auth: (cb: (data: object) => void) => cb({ token: user }),
      }),
    );
  if (carrier === 'sse') return sseTransport({ url, headers, backoff: FAST_BACKOFF, network: online });
  return pollingTransport({ url, headers, backoff: FAST_BACKOFF, network: online });
}

function player(base: string, user: string, carrier: Carrier, channel: string): SharedState<Board, Move> {
  const client = createRealtimeClient({ transport: transportFor(base, user, carrier) });
  client.onError(() => {});
  onCleanup(() => client.close());
  const state = createSharedState(client.channel(channel, { rewind: 1 }), board);
  onCleanup(state.subscribe(() => {}));
  return state;
}

async function serverState(
  realtime: { history: (channel: string) => Promise<{ messages: readonly { data: unknown }[] }> },
  channel: string,
) {
  const { messages } = await realtime.history(channel);
  return (
    (messages.at(-1)?.data as { state: Board; version: number } | undefined) ?? {
      state: board.initial as Board,
      version: 0,
    }
  );
}

describe('shared state across carriers and instances (Redis)', () => {
  it('WebSocket, SSE + POST, long-polling and Socket.io clients on two instances acting at once converge on the server state', async () => {
    const channel = 'board:race';
    // 40 actions per user in a burst: past the default action limit, which has a test of its own below.
    const a = await instance({ actionRateLimit: false });
    const b = await instance({ actionRateLimit: false });
    const players = [
      { user: 'ann', state: player(a.base, 'ann', 'websocket', channel) },
      { user: 'bob', state: player(b.base, 'bob', 'sse', channel) },
      { user: 'cat', state: player(a.base, 'cat', 'polling', channel) },
      { user: 'dee', state: player(b.base, 'dee', 'socket.io', channel) },
    ];
    await vi.waitFor(() => expect(players.every((p) => p.state.getSnapshot().synced)).toBe(true), WAIT);

    // 20 rounds: everyone appends, and everyone tries to take the turn at once. One turn per round at most wins
    // per user in a row; the rest are refused `rejected` (typed) and rolled back.
    const outcomes: Promise<string>[] = [];
    for (let round = 0; round < 20; round += 1) {
      for (const { user, state } of players) {
        outcomes.push(state.dispatch({ type: 'append', item: `${user}:a${round}` }).then(() => 'ok'));
        outcomes.push(
          state.dispatch({ type: 'turn', item: `${user}:t${round}` }).then(
            () => 'ok',
            (error: { code?: string }) => `refused:${error.code}`,
          ),
        );
      }
      if (round % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const settled = await Promise.all(outcomes);
    expect(settled.filter((outcome) => outcome !== 'ok' && outcome !== 'refused:rejected')).toEqual([]);
    const { state: final, version } = await serverState(a.realtime, channel);
    expect(final.log.filter((item) => item.includes(':a'))).toHaveLength(80);
    expect(version).toBe(settled.filter((outcome) => outcome === 'ok').length);
    // No user took two turns in a row.
    const turns = final.log.filter((item) => item.includes(':t')).map((item) => item.split(':')[0]);
    turns.forEach((user, index) => expect(user).not.toBe(turns[index - 1]));
    for (const { user, state } of players) {
      await vi.waitFor(() => expect(state.getSnapshot()).toMatchObject({ pending: 0, state: final }), WAIT);
      const mine = final.log
        .filter((item) => item.startsWith(`${user}:a`))
        .map((item) => Number(item.slice(user.length + 2)));
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }

    // A late joiner on either instance, on any carrier, reads the newest state from one entry.
    const late = player(b.base, 'dan', 'polling', channel);
    await vi.waitFor(() => expect(late.getSnapshot()).toMatchObject({ synced: true, version, state: final }), WAIT);
  });

  it('the state survives an instance replaced by a fresh process; refusals are typed and rolled back', async () => {
    const channel = 'board:restart';
    const a = await instance();
    const ann = player(a.base, 'ann', 'websocket', channel);
    await vi.waitFor(() => expect(ann.getSnapshot().synced).toBe(true), WAIT);
    await ann.dispatch({ type: 'turn', item: 'ann:1' });
    await vi.waitFor(() => expect(ann.getSnapshot().version).toBe(1), WAIT);
    await expect(ann.dispatch({ type: 'turn', item: 'ann:2' })).rejects.toMatchObject({
      code: 'rejected',
      message: 'Not your turn',
      details: { last: 'ann' },
    });
    expect(ann.getSnapshot().state.log).toEqual(['ann:1']);
    await a.stop();

    const fresh = await instance();
    const bob = player(fresh.base, 'bob', 'sse', channel);
    await vi.waitFor(() => expect(bob.getSnapshot()).toMatchObject({ version: 1, state: { log: ['ann:1'] } }), WAIT);
    await bob.dispatch({ type: 'turn', item: 'bob:1' });
    // The rule goes on from the kept state: Bob was last now, Ann may play.
    await expect(bob.dispatch({ type: 'turn', item: 'bob:2' })).rejects.toMatchObject({ code: 'rejected' });
    expect((await serverState(fresh.realtime, channel)).state.log).toEqual(['ann:1', 'bob:1']);
  });

  it('actions past the per-user limit are refused rate_limited with retryAfterMs, across instances', async () => {
    const channel = 'board:limit';
    const limit = { actionRateLimit: { capacity: 3, refillPerSecond: 0.5 } };
    const a = await instance(limit);
    const b = await instance(limit);
    const onA = player(a.base, 'eve', 'websocket', channel);
    const onB = player(b.base, 'eve', 'sse', channel);
    await vi.waitFor(() => expect(onA.getSnapshot().synced && onB.getSnapshot().synced).toBe(true), WAIT);
    await onA.dispatch({ type: 'append', item: '1' });
    await onB.dispatch({ type: 'append', item: '2' });
    await onA.dispatch({ type: 'append', item: '3' });
    const refused = await onB.dispatch({ type: 'append', item: '4' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    await vi.waitFor(
      () => expect(onB.getSnapshot()).toMatchObject({ pending: 0, state: { log: ['1', '2', '3'] } }),
      WAIT,
    );
  });
});
