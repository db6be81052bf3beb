/**
 * Latency suite: publish → receive time at 1 000 subscribers of one channel, ours against Socket.IO in the same run,
 * over real WebSockets on 127.0.0.1:
 * - one instance: `createRealtime` (memory broker) + `createWebSocketEndpoint`, against one Socket.IO 4.8 server;
 * - two instances over one redis-server of the suite's own (subscribers split between them, the publisher on the
 *   first): `createRealtime({ redis })` on each, against two Socket.IO servers with `@socket.io/redis-adapter`.
 * The publisher is a client like the subscribers: ours sends `publish` frames (the server stores, numbers and fans
 * each one out), Socket.IO's emits an event its server relays with `io.emit` (nothing stored). Each message carries
 * the publisher's `performance.now()`; every subscriber lives in the same client process, so a delivery's latency is
 * read on the same clock. Each side uses its own client library (`createRealtimeClient` + `websocketTransport`;
 * `socket.io-client`), whose work is in the figures: that process handles 1 000 sockets on one thread.
 *
 * 50 messages 100 ms apart per run (50 000 deliveries, 10 000 a second: latency, not a saturated client process); the modes run interleaved, round by round, after a warm-up
 * run each. Rows give the median of the rounds' p50 and p99. Every wait is bounded.
 *
 * Quick run: `node --conditions=source --import tsx bench/suites/latency.ts` prints the rows.
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
import { createRealtimeClient } from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { createRealtime, createWebSocketEndpoint } from '@realtime-kit/server';
import { forkChild, nextMessage, stopChild } from '../lib/children.js';
import { startRedis } from '../lib/redis.js';
import { median, type BenchRow } from '../lib/result.js';

const SUBSCRIBERS = 1000;
const MESSAGES = 50;
const INTERVAL_MS = 100;
const ROUNDS = 3;
/** Every wait for a child is bounded: a stuck run fails the suite instead of hanging it. */
const WAIT_MS = 120_000;

type Mode = 'rk-1' | 'rk-2' | 'sio-1' | 'sio-2';
const MODES: readonly Mode[] = ['rk-1', 'sio-1', 'rk-2', 'sio-2'];
const MODE_NAMES: Record<Mode, string> = {
  'rk-1': 'ours, one instance',
  'rk-2': 'ours, two instances over Redis',
  'sio-1': 'Socket.IO 4.8, one server',
  'sio-2': 'Socket.IO 4.8, two servers with @socket.io/redis-adapter',
};
const isOurs = (mode: Mode) => mode.startsWith('rk');

type FromServer = { readonly type: 'listening'; readonly port: number };
type ToClients = { readonly type: 'run'; readonly id: number };
type FromClients =
  | { readonly type: 'ready' }
  | { readonly type: 'ran'; readonly p50: number; readonly p99: number; readonly received: number }
  | { readonly type: 'failed'; readonly reason: string };

// ---------------------------------------------------------------------------------------------------------------
// The server child: one instance of one mode on 127.0.0.1, sharing `redisUrl` when given.

async function serverChild(mode: Mode, redisUrl: string | undefined): Promise<void> {
  const server = createServer((_request, response) => {
    if (isOurs(mode)) response.writeHead(404).end();
  });
  if (isOurs(mode)) {
    const realtime = await createRealtime({ redis: redisUrl ?? false, rateLimit: false, logSize: 100 });
    createWebSocketEndpoint({ server, path: '/realtime', realtime });
  } else {
    const sio = new SocketIOServer(server, { transports: ['websocket'], serveClient: false });
    if (redisUrl) {
      const pub = new Redis(redisUrl);
      sio.adapter(createAdapter(pub, pub.duplicate()));
    }
    sio.on('connection', (socket) => socket.on('publish', (data: unknown) => sio.emit('chat', data)));
  }
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', 2048, () =>
    process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies FromServer),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The client child: the subscribers (spread over `urls`) and the publisher (on the first).

async function clientsChild(mode: Mode, urls: readonly string[]): Promise<void> {
  const tell = (message: FromClients) => {
    if (process.connected) process.send?.(message);
  };
  let latencies: number[] = [];
  let run = -1;
  const delivered = (data: { run: number; t: number }) => {
    if (data.run === run) latencies.push(performance.now() - data.t);
  };
  const lost = (reason: string) => tell({ type: 'failed', reason });

  type Publisher = (data: { run: number; t: number; n: number; text: string; user: string }) => void;
  // Each library's own client: ours is `createRealtimeClient` over `websocketTransport` (resume cursor, dedupe, acks).
  const openOurs = async (url: string, subscribe: boolean): Promise<Publisher> => {
    const transport = websocketTransport({ url, WebSocket: WebSocket as never, heartbeat: false });
    transport.onError((error) => lost(`a WebSocket failed: ${error.message}`));
    const room = createRealtimeClient({ transport }).channel<{ chat: { run: number; t: number } }>('room');
    if (subscribe) {
      room.subscribe('chat', (message) => delivered(message.data));
      await new Promise<void>((resolve) => {
        const off = room.subscribe(() => {
          if (room.getSnapshot().subscribed) resolve(off());
        });
      });
    }
    return (data) =>
      void room.publish('chat', data).catch((error: Error) => lost(`a publish failed: ${error.message}`));
  };
  const openSocketIO = (url: string, subscribe: boolean) =>
    new Promise<Publisher>((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      socket.once('connect', () => resolve((data) => socket.emit('publish', data)));
      socket.once('connect_error', reject);
      if (subscribe) socket.on('chat', delivered);
      socket.on('disconnect', () => lost('a Socket.IO client disconnected'));
    });
  const open = isOurs(mode) ? openOurs : openSocketIO;
  for (let i = 0; i < SUBSCRIBERS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, SUBSCRIBERS - i) }, (_, j) => open(urls[(i + j) % urls.length]!, true)),
    );
  }
  const publish = await open(urls[0]!, false);
  tell({ type: 'ready' });

  process.on('message', (message: ToClients) => {
    run = message.id;
    latencies = [];
    let n = 0;
    const began = performance.now();
    const tick = () => {
      publish({ run, t: performance.now(), n, text: 'hello from the latency benchmark, a chat line', user: 'ada' });
      n += 1;
      if (n < MESSAGES) setTimeout(tick, Math.max(0, began + n * INTERVAL_MS - performance.now()));
      else setTimeout(report, 0);
    };
    const expected = MESSAGES * SUBSCRIBERS;
    const deadline = Date.now() + 60_000;
    const report = () => {
      if (latencies.length < expected && Date.now() < deadline) return void setTimeout(report, 50);
      const sorted = latencies.sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
      tell({ type: 'ran', p50: at(0.5), p99: at(0.99), received: sorted.length });
    };
    tick();
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------------------
// The suite.

const SELF = fileURLToPath(import.meta.url);
const children = new Set<ChildProcess>();

function start(role: 'server' | 'clients', args: readonly string[]): ChildProcess {
  return forkChild(children, SELF, args, { env: { ...process.env, LATENCY_BENCH_ROLE: role } });
}

function next<M extends FromServer | FromClients, T extends M['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<M, { type: T }>> {
  return nextMessage<M, T>(child, type, WAIT_MS);
}

interface Rig {
  readonly mode: Mode;
  readonly clients: ChildProcess;
  readonly servers: readonly ChildProcess[];
}

let runs = 0;

async function measure(rig: Rig): Promise<{ p50: number; p99: number }> {
  const ran = next<FromClients, 'ran'>(rig.clients, 'ran');
  rig.clients.send({ type: 'run', id: runs++ } satisfies ToClients);
  const result = await ran;
  const expected = MESSAGES * SUBSCRIBERS;
  if (result.received !== expected)
    throw new Error(`${MODE_NAMES[rig.mode]}: ${result.received} of ${expected} deliveries arrived`);
  return result;
}

async function startRig(mode: Mode, redisUrl: string): Promise<Rig> {
  const instances = mode.endsWith('-2') ? 2 : 1;
  const servers = Array.from({ length: instances }, () => start('server', instances === 2 ? [mode, redisUrl] : [mode]));
  const ports = await Promise.all(servers.map((server) => next<FromServer, 'listening'>(server, 'listening')));
  const urls = ports.map(({ port }) => (isOurs(mode) ? `ws://127.0.0.1:${port}/realtime` : `http://127.0.0.1:${port}`));
  const clients = start('clients', [mode, ...urls]);
  await next<FromClients, 'ready'>(clients, 'ready');
  const rig = { mode, clients, servers };
  await measure(rig); // warm-up, not counted: JIT and buffers
  return rig;
}

async function stopRig(rig: Rig): Promise<void> {
  await Promise.all([rig.clients, ...rig.servers].map((child) => stopChild(child)));
}

function fixed(value: number): number {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return Number(value.toFixed(digits));
}

export async function run(): Promise<BenchRow[]> {
  try {
    const redis = await startRedis(children);
    const p50: Record<Mode, number[]> = { 'rk-1': [], 'rk-2': [], 'sio-1': [], 'sio-2': [] };
    const p99: Record<Mode, number[]> = { 'rk-1': [], 'rk-2': [], 'sio-1': [], 'sio-2': [] };
    // One rig at a time (1 000 sockets each); the modes interleave round by round, the order rotating.
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < MODES.length; i++) {
        const mode = MODES[(i + round) % MODES.length] as Mode;
        const rig = await startRig(mode, redis.url);
        try {
          const sample = await measure(rig);
          p50[mode].push(sample.p50);
          p99[mode].push(sample.p99);
        } finally {
          await stopRig(rig);
        }
      }
    }
    const setup = `${MESSAGES} messages ${INTERVAL_MS} ms apart to ${SUBSCRIBERS} subscribers of one channel (${MESSAGES * SUBSCRIBERS} deliveries a round), publisher and subscribers in one client process on the same clock; median of ${ROUNDS} interleaved rounds`;
    const spread = (series: number[]) => `${fixed(Math.min(...series))}–${fixed(Math.max(...series))}`;
    const row = (quantile: 'p50' | 'p99', ours: Mode, peer: Mode, target?: BenchRow['target']): BenchRow => {
      const series = quantile === 'p50' ? p50 : p99;
      return {
        measure: `publish → receive latency ${quantile}, N=${SUBSCRIBERS}, ${ours === 'rk-1' ? 'one instance' : 'two instances over Redis'}`,
        ours: { value: fixed(median(series[ours])), unit: 'ms' },
        peer: { name: MODE_NAMES[peer], value: fixed(median(series[peer])), unit: 'ms' },
        ...(target ? { target } : {}),
        note: `${setup}; ours ${spread(series[ours])} ms, peer ${spread(series[peer])} ms. Ours stores and numbers each message (memory log, or a Redis Stream in one step) before the fan-out; Socket.IO relays with io.emit and stores nothing.`,
      };
    };
    const goal = { kind: 'ratio', op: '<=', value: 1 } as const;
    return [
      row('p50', 'rk-1', 'sio-1'),
      row('p99', 'rk-1', 'sio-1', goal),
      row('p50', 'rk-2', 'sio-2'),
      row('p99', 'rk-2', 'sio-2', goal),
    ];
  } finally {
    await Promise.all([...children].map((child) => stopChild(child)));
  }
}

const role = process.env.LATENCY_BENCH_ROLE;
if (role === 'server') await serverChild(process.argv[2] as Mode, process.argv[3]);
else if (role === 'clients') await clientsChild(process.argv[2] as Mode, process.argv.slice(3));
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kill = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      kill();
      process.exit(130);
    });
  }
  const rows = await run();
  for (const row of rows)
    console.log(
      `${row.measure}: ours ${row.ours.value} ${row.ours.unit}, ${row.peer?.name ?? ''} ${row.peer?.value ?? ''} → ${row.peer ? (row.ours.value / row.peer.value).toFixed(2) : ''}\n  ${row.note ?? ''}`,
    );
}
