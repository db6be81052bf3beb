/**
 * Reconnect-storm suite: 5 000 clients on one instance when it dies (SIGKILL, no goodbye) and comes back on the same
 * port, ours against Socket.IO 4.8 in the same run, over real WebSockets on 127.0.0.1.
 *
 * Each side runs a cluster of two instances over the suite's own redis-server: instance A holds every client,
 * instance B holds none and publishes (ours: `realtime.publish`, stored in the Redis log; Socket.IO: `io.emit`
 * through `@socket.io/redis-adapter`). A round: 10 messages while all are connected, A killed, 10 messages while A
 * is down, A restarted 500 ms after the kill, and once every client is back, 10 more. Measured:
 * - time from the kill until every client is subscribed again (ours: its channel resubscribed with the resume
 *   cursor; Socket.IO: `connect` again), against the client's backoff cap (ours 30 s);
 * - messages lost: of the 30 a client should have, how many never arrived (ours resumes from the log; Socket.IO
 *   keeps no log, so what was sent while a client was away is gone);
 * - the new instance's CPU time and peak RSS from its start until every client is back.
 * Each side uses its own client library with its default backoff (ours: full jitter 500 ms → 30 s; Socket.IO:
 * 1 s → 5 s, ±50 %). Every wait is bounded.
 *
 * Quick run: `node --conditions=source --import tsx bench/suites/reconnect-storm.ts` prints the rows.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server as SocketIOServer } from 'socket.io';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { createRealtimeClient, DEFAULT_BACKOFF } from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { createRealtime, createWebSocketEndpoint } from '@realtime-kit/server';
import { forkChild, nextMessage, stopChild } from '../lib/children.js';
import { startRedis } from '../lib/redis.js';
import type { BenchRow } from '../lib/result.js';

const CLIENTS = Number(process.env.STORM_CLIENTS ?? 5000);
const PER_PHASE = 10;
const RESTART_AFTER_MS = 500;
/** Every wait for a child is bounded: a stuck run fails the suite instead of hanging it. */
const WAIT_MS = 180_000;

type Side = 'ours' | 'sio';
const SIDE_NAMES: Record<Side, string> = {
  ours: 'ours (createRealtime over Redis, createRealtimeClient)',
  sio: 'Socket.IO 4.8 (@socket.io/redis-adapter, socket.io-client)',
};

type FromServer =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'published' }
  | { readonly type: 'usage'; readonly cpuMs: number; readonly peakRssBytes: number };
type ToServer =
  { readonly type: 'publish'; readonly from: number; readonly count: number } | { readonly type: 'usage' };
type ToClients =
  { readonly type: 'storm' } | { readonly type: 'up' } | { readonly type: 'count'; readonly expected: number };
type FromClients =
  | { readonly type: 'ready' }
  | { readonly type: 'received'; readonly all: boolean }
  | { readonly type: 'back'; readonly ms: number; readonly afterUpMs: number }
  | { readonly type: 'counted'; readonly lost: number }
  | { readonly type: 'failed'; readonly reason: string };

// ---------------------------------------------------------------------------------------------------------------
// A server child: one instance of one side on `port` (0: any), sharing `redisUrl`; publishes when told to.

async function serverChild(side: Side, redisUrl: string, port: number): Promise<void> {
  const started = process.cpuUsage();
  let peakRss = process.memoryUsage().rss;
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20).unref();
  const server = createServer((_request, response) => response.writeHead(404).end());
  let publish: (n: number) => Promise<unknown>;
  if (side === 'ours') {
    const realtime = await createRealtime({ redis: redisUrl, rateLimit: false, subscribeLimit: false, logSize: 1000 });
    createWebSocketEndpoint({ server, path: '/realtime', realtime });
    publish = (n) => realtime.publish('room', 'chat', { n });
  } else {
    const sio = new SocketIOServer(server, { transports: ['websocket'], serveClient: false });
    const pub = new Redis(redisUrl);
    sio.adapter(createAdapter(pub, pub.duplicate()));
    publish = async (n) => void sio.emit('chat', { n });
  }
  process.on('message', async (message: ToServer) => {
    if (message.type === 'publish') {
      for (let n = message.from; n < message.from + message.count; n++) await publish(n);
      process.send?.({ type: 'published' } satisfies FromServer);
    } else {
      const cpu = process.cpuUsage(started);
      const peakRssBytes = Math.max(peakRss, process.memoryUsage().rss);
      process.send?.({ type: 'usage', cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes } satisfies FromServer);
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(port, '127.0.0.1', 8192, () =>
    process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies FromServer),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The client child: every client, on instance A.

interface StormClient {
  /** The distinct message numbers received. */
  readonly received: Set<number>;
  /** Whether it has been subscribed (ours) or connected (Socket.IO) again since the storm began. */
  back: boolean;
  away: boolean;
}

async function clientsChild(side: Side, url: string): Promise<void> {
  const tell = (message: FromClients) => {
    if (process.connected) process.send?.(message);
  };
  const clients: StormClient[] = [];
  let stormAt = -1;
  let upAt = -1;
  let backCount = 0;
  const cameBack = (client: StormClient) => {
    if (stormAt < 0 || !client.away || client.back) return;
    client.back = true;
    backCount += 1;
    const now = performance.now();
    if (backCount === clients.length) tell({ type: 'back', ms: now - stormAt, afterUpMs: now - upAt });
  };

  const openOurs = async (client: StormClient) => {
    const transport = websocketTransport({ url, WebSocket: WebSocket as never });
    const room = createRealtimeClient({ transport }).channel<{ chat: { n: number } }>('room');
    room.subscribe('chat', (message) => client.received.add(message.data.n));
    await new Promise<void>((resolve) => {
      room.subscribe(() => {
        const { subscribed } = room.getSnapshot();
        if (!subscribed && stormAt >= 0) client.away = true;
        if (subscribed) {
          cameBack(client);
          resolve();
        }
      });
    });
  };
  const openSocketIO = (client: StormClient) =>
    new Promise<void>((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true });
      socket.on('chat', (data: { n: number }) => client.received.add(data.n));
      socket.on('disconnect', () => {
        if (stormAt >= 0) client.away = true;
      });
      socket.on('connect', () => {
        cameBack(client);
        resolve();
      });
      socket.once('connect_error', (error) => {
        if (stormAt < 0) reject(error);
      });
    });
  const open = side === 'ours' ? openOurs : openSocketIO;
  for (let i = 0; i < CLIENTS; i += 100) {
    const batch = Array.from({ length: Math.min(100, CLIENTS - i) }, (): StormClient => {
      const client: StormClient = { received: new Set(), back: false, away: false };
      clients.push(client);
      return client;
    });
    await Promise.all(batch.map(open));
  }
  tell({ type: 'ready' });

  process.on('message', (message: ToClients) => {
    if (message.type === 'storm' || message.type === 'up') {
      if (message.type === 'storm') stormAt = performance.now();
      else upAt = performance.now();
      return;
    }
    // Wait (bounded) until everyone has `expected` messages; then report what never came.
    const deadline = Date.now() + 15_000;
    const check = () => {
      const missing = clients.reduce((sum, client) => sum + Math.max(0, message.expected - client.received.size), 0);
      if (missing > 0 && Date.now() < deadline) return void setTimeout(check, 50);
      tell({ type: 'counted', lost: missing });
    };
    check();
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------------------
// The suite.

const SELF = fileURLToPath(import.meta.url);
const children = new Set<ChildProcess>();

function start(role: 'server' | 'clients', args: readonly string[]): ChildProcess {
  return forkChild(children, SELF, args, {
    env: { ...process.env, STORM_BENCH_ROLE: role },
    execArgv: role === 'clients' ? ['--max-old-space-size=4096'] : [],
  });
}

function next<M extends FromServer | FromClients, T extends M['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<M, { type: T }>> {
  return nextMessage<M, T>(child, type, WAIT_MS);
}

async function publish(server: ChildProcess, from: number): Promise<void> {
  const done = next<FromServer, 'published'>(server, 'published');
  server.send({ type: 'publish', from, count: PER_PHASE } satisfies ToServer);
  await done;
}

async function count(clients: ChildProcess, expected: number): Promise<number> {
  const counted = next<FromClients, 'counted'>(clients, 'counted');
  clients.send({ type: 'count', expected } satisfies ToClients);
  return (await counted).lost;
}

interface StormResult {
  readonly backMs: number;
  /** From the restarted instance listening until every client was back. */
  readonly backAfterUpMs: number;
  /** From the kill until the restarted instance listened. */
  readonly downMs: number;
  readonly lost: number;
  readonly lostBefore: number;
  readonly cpuMs: number;
  readonly peakRssBytes: number;
}

async function storm(side: Side, redisUrl: string): Promise<StormResult> {
  const a = start('server', [side, redisUrl, '0']);
  const b = start('server', [side, redisUrl, '0']);
  const [{ port }] = await Promise.all([
    next<FromServer, 'listening'>(a, 'listening'),
    next<FromServer, 'listening'>(b, 'listening'),
  ]);
  const url = side === 'ours' ? `ws://127.0.0.1:${port}/realtime` : `http://127.0.0.1:${port}`;
  const clients = start('clients', [side, url]);
  await next<FromClients, 'ready'>(clients, 'ready');

  await publish(b, 0);
  const lostBefore = await count(clients, PER_PHASE);
  clients.send({ type: 'storm' } satisfies ToClients);
  const back = next<FromClients, 'back'>(clients, 'back');
  await stopChild(a);
  const killedAt = Date.now();
  await publish(b, PER_PHASE);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + RESTART_AFTER_MS - Date.now())));
  const restarted = start('server', [side, redisUrl, String(port)]);
  await next<FromServer, 'listening'>(restarted, 'listening');
  const downMs = Date.now() - killedAt;
  clients.send({ type: 'up' } satisfies ToClients);
  const { ms: backMs, afterUpMs: backAfterUpMs } = await back;
  const usage = next<FromServer, 'usage'>(restarted, 'usage');
  restarted.send({ type: 'usage' } satisfies ToServer);
  const { cpuMs, peakRssBytes } = await usage;
  await publish(b, 2 * PER_PHASE);
  const lost = await count(clients, 3 * PER_PHASE);
  await Promise.all([clients, b, restarted].map((child) => stopChild(child)));
  return { backMs, backAfterUpMs, downMs, lost, lostBefore, cpuMs, peakRssBytes };
}

export async function run(): Promise<BenchRow[]> {
  try {
    const redis = await startRedis(children);
    const ours = await storm('ours', redis.url);
    const sio = await storm('sio', redis.url);
    for (const [side, result] of [
      ['ours', ours],
      ['sio', sio],
    ] as const) {
      if (result.lostBefore > 0)
        throw new Error(`${SIDE_NAMES[side]}: ${result.lostBefore} messages lost before the storm`);
    }
    const setup = `${CLIENTS} clients on instance A of two over Redis; A SIGKILLed and restarted on its port ${RESTART_AFTER_MS} ms later; ${PER_PHASE} messages published on B before, during and after (${3 * PER_PHASE} per client); each side's default client backoff`;
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return [
      {
        measure: `reconnect storm, ${CLIENTS} clients: time until all resubscribed, from the instance back`,
        ours: { value: Math.round(ours.backAfterUpMs), unit: 'ms' },
        peer: { name: SIDE_NAMES.sio, value: Math.round(sio.backAfterUpMs), unit: 'ms' },
        target: { kind: 'value', op: '<=', value: DEFAULT_BACKOFF.maxMs },
        note: `${setup}. From the restarted instance listening until every client was subscribed again; target: within our backoff cap (${DEFAULT_BACKOFF.maxMs} ms; Socket.IO's is 5 s ±50 %, and it has no log to resume from). From the kill: ours ${Math.round(ours.backMs)} ms, peer ${Math.round(sio.backMs)} ms (the instance was down ${Math.round(ours.downMs)} / ${Math.round(sio.downMs)} ms: the kill, ${RESTART_AFTER_MS} ms, and its start).`,
      },
      {
        measure: `reconnect storm, ${CLIENTS} clients: messages lost`,
        ours: { value: ours.lost, unit: 'messages' },
        peer: { name: SIDE_NAMES.sio, value: sio.lost, unit: 'messages' },
        target: { kind: 'value', op: '<=', value: 0 },
        note: `Of ${3 * PER_PHASE * CLIENTS} deliveries each side should make: ours resume from the Redis log after the restart; Socket.IO stores nothing, so what B sent while a client was away never reaches it.`,
      },
      {
        measure: `reconnect storm, ${CLIENTS} clients: new instance CPU until all back`,
        ours: { value: Math.round(ours.cpuMs), unit: 'ms' },
        peer: { name: SIDE_NAMES.sio, value: Math.round(sio.cpuMs), unit: 'ms' },
        note: `process.cpuUsage() of the restarted instance from its start until every client was back (ours includes replaying the missed messages to each).`,
      },
      {
        measure: `reconnect storm, ${CLIENTS} clients: new instance peak RSS`,
        ours: { value: mib(ours.peakRssBytes), unit: 'MiB' },
        peer: { name: SIDE_NAMES.sio, value: mib(sio.peakRssBytes), unit: 'MiB' },
        note: 'Sampled every 20 ms in the restarted instance until every client was back.',
      },
    ];
  } finally {
    await Promise.all([...children].map((child) => stopChild(child)));
  }
}

const role = process.env.STORM_BENCH_ROLE;
if (role === 'server') await serverChild(process.argv[2] as Side, process.argv[3] as string, Number(process.argv[4]));
else if (role === 'clients') await clientsChild(process.argv[2] as Side, process.argv[3] as string);
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kill = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      kill();
      process.exit(130);
    });
  }
  for (const row of await run())
    console.log(
      `${row.measure}: ours ${row.ours.value} ${row.ours.unit}, peer ${row.peer?.value ?? ''}\n  ${row.note ?? ''}`,
    );
}
