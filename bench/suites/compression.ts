/**
 * Compression suite: WebSocket permessage-deflate, over real sockets on 127.0.0.1. For three payloads typical of the
 * kit (a ~150 B chat line, a ~2 KB JSON dashboard snapshot, a ~20 KB JSON document) broadcast to 50 subscribers:
 * bytes on the wire per delivery (the server sockets' `bytesWritten` delta / deliveries) and server CPU per delivery
 * (`process.cpuUsage` delta / deliveries, zlib's thread pool included), for
 * - ours, `createWebSocketEndpoint({ compression: false })`;
 * - ours with `compression: true` (threshold 1 KiB, each frame deflated once for all its subscribers);
 * - Socket.IO 4 with `perMessageDeflate: true` (the peer: `ws` deflating per socket).
 * Then the server's memory per connection with compression on.
 *
 * Each server runs in its own child process, the clients in another (this file, forked with a role), so client
 * work is never counted as the server's. The three modes are measured interleaved, round by round (the order
 * rotating), and each row gives the median of the rounds with the spread in its note. Every wait is bounded.
 *
 * Quick run: `node --conditions=source --import tsx bench/suites/compression.ts` prints the rows.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Server as SocketIOServer } from 'socket.io';
import { io, type Socket as SocketIOClient } from 'socket.io-client';
import WebSocket from 'ws';
import { createRealtime, createWebSocketEndpoint, type Realtime } from '@realtime-kit/server';
import { forkChild, stopChild } from '../lib/children.js';
import { median, type BenchRow } from '../lib/result.js';

/** Subscribers per broadcast. */
const SUBSCRIBERS = 50;
/** Connections in the memory measurement (more than SUBSCRIBERS: RSS moves in steps of allocator arenas). */
const MEMORY_CONNECTIONS = 400;
const ROUNDS = 3;
/** Every wait for a child is bounded: a stuck run fails the suite instead of hanging it. */
const WAIT_MS = 60_000;

type Mode = 'rk-off' | 'rk-on' | 'sio-on' | 'rk-compact' | 'sio-off';
type Kind = 'chat' | 'snapshot' | 'document';

const MODES: readonly Mode[] = ['rk-off', 'rk-on', 'sio-on'];
/** Measured with chat lines only, for the uncompressed comparison: compact frames against Socket.IO's plain packets. */
const CHAT_ONLY_MODES: readonly Mode[] = ['rk-compact', 'sio-off'];
const isSocketIO = (mode: Mode) => mode === 'sio-on' || mode === 'sio-off';
const emptySeries = (): Series => ({ 'rk-off': [], 'rk-on': [], 'sio-on': [], 'rk-compact': [], 'sio-off': [] });
const MODE_NAMES: Record<Mode, string> = {
  'rk-off': 'ours, compression: false',
  'rk-on': 'ours, compression: true',
  'sio-on': 'Socket.IO 4.8 perMessageDeflate: true',
  'rk-compact': 'ours, compact frames (encoding: compactFrames), compression: false',
  'sio-off': 'Socket.IO 4.8 perMessageDeflate: false',
};
/** Broadcasts per measured run, and their pacing: every run delivers at least 5 000 messages. */
const RUNS: Record<Kind, { readonly label: string; readonly count: number; readonly intervalMs: number }> = {
  chat: { label: '150 B chat line', count: 300, intervalMs: 4 },
  snapshot: { label: '2 KB JSON snapshot', count: 200, intervalMs: 5 },
  document: { label: '20 KB JSON document', count: 100, intervalMs: 10 },
};

// ---------------------------------------------------------------------------------------------------------------
// Payloads: deterministic, and different in every message (fresh values in the same shape, as real traffic is), so
// compression with context takeover (the peer's) gains only what it would in production.

function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (state * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32;
}

const WORDS = [
  'order',
  'shipped',
  'pending',
  'north',
  'south',
  'revenue',
  'active',
  'latency',
  'deploy',
  'review',
  'merged',
  'queue',
  'the',
  'a',
  'is',
  'to',
];
const NAMES = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances'];

/** The data of message `n` of a kind: about 150 B, 2 KB or 20 KB of JSON. */
export function payload(kind: Kind, n: number): Record<string, unknown> {
  const random = prng(n * 7919 + kind.length);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const id = () => Math.floor(random() * 2 ** 32).toString(36);
  const at = new Date(1_763_000_000_000 + Math.floor(random() * 1e9)).toISOString();
  if (kind === 'chat') return { id: `msg_${id()}`, user: pick(NAMES), text: sentence(12), at };
  const metric = () => ({
    name: `${pick(WORDS)}.${pick(WORDS)}`,
    value: Math.round(random() * 1e6) / 100,
    delta: Math.round((random() - 0.5) * 1e4) / 100,
    unit: pick(['ms', 'req/s', '%', 'MB']),
  });
  if (kind === 'snapshot')
    return { dashboard: 'ops', at, status: pick(['ok', 'degraded']), metrics: Array.from({ length: 29 }, metric) };
  return {
    id: `doc_${id()}`,
    title: sentence(6),
    updatedAt: at,
    rows: Array.from({ length: 136 }, () => ({
      id: `row_${id()}`,
      owner: pick(NAMES),
      status: pick(['open', 'closed', 'pending']),
      amount: Math.round(random() * 1e7) / 100,
      note: sentence(4),
      updatedAt: new Date(1_763_000_000_000 + Math.floor(random() * 1e10)).toISOString(),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Messages between this suite and its children.

type ToServer =
  | { readonly type: 'run'; readonly kind: Kind; readonly count: number; readonly intervalMs: number }
  | { readonly type: 'stop' }
  | { readonly type: 'memory' };
type FromServer =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'running' }
  | { readonly type: 'stopped'; readonly micros: number; readonly bytes: number; readonly publishErrors: number }
  | { readonly type: 'memory'; readonly rss: number; readonly heap: number };
type ToClients = { readonly type: 'expect'; readonly perClient: number };
type FromClients =
  | { readonly type: 'ready'; readonly deflating: number }
  | { readonly type: 'expecting' }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly reason: string };

// ---------------------------------------------------------------------------------------------------------------
// The server child: one mode on 127.0.0.1; broadcasts on command, reporting its CPU time and bytes written.

async function serverChild(mode: Mode): Promise<void> {
  const reply = (message: FromServer) => process.send?.(message);
  const sockets = new Set<Socket>();
  const server = createServer((_request, response) => {
    if (!isSocketIO(mode)) response.writeHead(404).end();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let realtime: Realtime | undefined;
  let sio: SocketIOServer | undefined;
  if (isSocketIO(mode))
    sio = new SocketIOServer(server, {
      transports: ['websocket'],
      serveClient: false,
      perMessageDeflate: mode === 'sio-on',
    });
  else {
    // logSize 1: the channel log would otherwise hold the last 1000 broadcasts and blur the memory figure.
    realtime = await createRealtime({ redis: false, rateLimit: false, logSize: 1 });
    createWebSocketEndpoint({ server, path: '/realtime', realtime, compression: mode === 'rk-on' });
  }

  const written = () => [...sockets].reduce((sum, socket) => sum + socket.bytesWritten, 0);
  let start: { cpu: NodeJS.CpuUsage; bytes: number } | undefined;
  let publishErrors = 0;

  function run(kind: Kind, count: number, intervalMs: number) {
    const messages = Array.from({ length: count }, (_, n) => payload(kind, n));
    publishErrors = 0;
    start = { cpu: process.cpuUsage(), bytes: written() };
    reply({ type: 'running' });
    const began = performance.now();
    let i = 0;
    const tick = () => {
      const data = messages[i] as Record<string, unknown>;
      if (sio) sio.emit('chat', data);
      else realtime?.publish('room', 'chat', data).catch(() => (publishErrors += 1));
      i += 1;
      if (i < count) setTimeout(tick, Math.max(0, began + i * intervalMs - performance.now()));
    };
    tick();
  }

  process.on('message', (message: ToServer) => {
    if (message.type === 'run') run(message.kind, message.count, message.intervalMs);
    else if (message.type === 'stop') {
      const cpu = process.cpuUsage(start?.cpu);
      reply({ type: 'stopped', micros: cpu.user + cpu.system, bytes: written() - (start?.bytes ?? 0), publishErrors });
    } else if (message.type === 'memory') {
      void (async () => {
        const gc = (globalThis as { gc?: () => void }).gc;
        for (let i = 0; i < 3; i++) {
          gc?.();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const usage = process.memoryUsage();
        reply({ type: 'memory', rss: usage.rss, heap: usage.heapUsed + usage.external });
      })();
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', 1024, () => reply({ type: 'listening', port: (server.address() as AddressInfo).port }));
}

// ---------------------------------------------------------------------------------------------------------------
// The client child: `count` connections that offer permessage-deflate (as browsers do); counts deliveries.

async function clientsChild(mode: Mode, url: string, count: number): Promise<void> {
  const tell = (message: FromClients) => {
    if (process.connected) process.send?.(message);
  };
  let received = 0;
  let expected = Number.POSITIVE_INFINITY;
  const delivered = () => {
    received += 1;
    if (received >= expected) {
      expected = Number.POSITIVE_INFINITY;
      tell({ type: 'done' });
    }
  };
  const lost = (reason: string) => tell({ type: 'failed', reason });
  const rk: WebSocket[] = [];
  const sio: SocketIOClient[] = [];

  const openRealtime = () =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('error', reject);
      ws.on('message', (raw: WebSocket.RawData) => {
        const text = raw.toString();
        // Frames start with their type (`encodeFrame` of the hub's frames): no need to parse 20 KB to count one.
        // A compact message is an array (`[topic, id, seq, data]`); its other frames are objects with a `t` code.
        if (text.startsWith('{"type":"message"') || text.startsWith('[')) return delivered();
        const frame = JSON.parse(text) as { type?: string; t?: string };
        if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', channel: 'room' }));
        else if (frame.type === 'subscribed' || frame.t === 's') resolve();
      });
      ws.on('close', () => lost('a WebSocket closed'));
      rk.push(ws);
    });
  const openSocketIO = () =>
    new Promise<void>((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
      socket.on('chat', delivered);
      socket.on('disconnect', () => lost('a Socket.IO client disconnected'));
      sio.push(socket);
    });
  for (let i = 0; i < count; i++) await (isSocketIO(mode) ? openSocketIO() : openRealtime());

  // engine.io-client runs over `ws` in Node: its socket says what was negotiated.
  const sioExtensions = (socket: SocketIOClient) =>
    (socket.io.engine.transport as unknown as { ws?: WebSocket }).ws?.extensions ?? '';
  const deflating = isSocketIO(mode)
    ? sio.filter((socket) => sioExtensions(socket).includes('permessage-deflate')).length
    : rk.filter((ws) => ws.extensions.includes('permessage-deflate')).length;
  tell({ type: 'ready', deflating });

  process.on('message', (message: ToClients) => {
    if (message.type !== 'expect') return;
    received = 0;
    expected = message.perClient * count;
    tell({ type: 'expecting' });
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------------------------
// The suite.

const SELF = fileURLToPath(import.meta.url);
const children = new Set<ChildProcess>();

function start(role: 'server' | 'clients', args: readonly string[]): ChildProcess {
  return forkChild(children, SELF, args, {
    execArgv: ['--expose-gc'],
    env: { ...process.env, COMPRESSION_BENCH_ROLE: role },
  });
}

const stop = stopChild;

/** The next message of `type` from `child`, within {@link WAIT_MS}; a client's `failed` rejects. */
function next<M extends FromServer | FromClients, T extends M['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`No '${type}' from child ${child.pid} within ${WAIT_MS} ms`)),
      WAIT_MS,
    );
    const onMessage = (message: M) => {
      if (message.type === type) done(undefined, message as Extract<M, { type: T }>);
      else if (message.type === 'failed')
        done(new Error(`Clients failed while waiting for '${type}': ${(message as { reason: string }).reason}`));
    };
    const onExit = (code: number | null) =>
      done(new Error(`Child ${child.pid} exited (${code}) while waiting for '${type}'`));
    function done(error: Error | undefined, message?: Extract<M, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as Extract<M, { type: T }>);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

interface Rig {
  readonly mode: Mode;
  readonly server: ChildProcess;
  readonly clients: ChildProcess;
  /** Connections that negotiated permessage-deflate. */
  readonly deflating: number;
  /** Subscribers. */
  readonly n: number;
}

interface Sample {
  readonly bytes: number;
  readonly micros: number;
}

async function memory(server: ChildProcess): Promise<{ rss: number; heap: number }> {
  const answer = next<FromServer, 'memory'>(server, 'memory');
  server.send({ type: 'memory' } satisfies ToServer);
  return answer;
}

/** `count` broadcasts of `kind`; the clock stops once every subscriber has them all. Per delivery. */
async function measure(rig: Rig, kind: Kind, count: number, intervalMs: number): Promise<Sample> {
  const expecting = next<FromClients, 'expecting'>(rig.clients, 'expecting');
  rig.clients.send({ type: 'expect', perClient: count } satisfies ToClients);
  await expecting;
  const done = next<FromClients, 'done'>(rig.clients, 'done');
  const running = next<FromServer, 'running'>(rig.server, 'running');
  rig.server.send({ type: 'run', kind, count, intervalMs } satisfies ToServer);
  await running;
  await done;
  const stopped = next<FromServer, 'stopped'>(rig.server, 'stopped');
  rig.server.send({ type: 'stop' } satisfies ToServer);
  const result = await stopped;
  if (result.publishErrors > 0) throw new Error(`${result.publishErrors} publishes failed in ${rig.mode}`);
  const deliveries = count * rig.n;
  return { bytes: result.bytes / deliveries, micros: result.micros / deliveries };
}

async function startServer(mode: Mode): Promise<{ server: ChildProcess; url: string }> {
  const server = start('server', [mode]);
  const { port } = await next<FromServer, 'listening'>(server, 'listening');
  const realtimeUrl = `ws://127.0.0.1:${port}/realtime${mode === 'rk-compact' ? '?encoding=compact' : ''}`;
  return { server, url: isSocketIO(mode) ? `http://127.0.0.1:${port}` : realtimeUrl };
}

async function startClients(mode: Mode, url: string, n: number): Promise<{ clients: ChildProcess; deflating: number }> {
  const clients = start('clients', [mode, url, String(n)]);
  const { deflating } = await next<FromClients, 'ready'>(clients, 'ready');
  return { clients, deflating };
}

/** A few broadcasts of each kind, not measured: JIT, buffers, and any per-connection zlib state. */
async function warmUp(rig: Rig): Promise<void> {
  for (const kind of Object.keys(RUNS) as Kind[]) await measure(rig, kind, 10, RUNS[kind].intervalMs);
}

async function startRig(mode: Mode): Promise<Rig> {
  const { server, url } = await startServer(mode);
  const { clients, deflating } = await startClients(mode, url, SUBSCRIBERS);
  const rig = { mode, server, clients, deflating, n: SUBSCRIBERS };
  await warmUp(rig);
  return rig;
}

/**
 * Server growth per connection, in KiB (RSS, and JS heap + external), in a fresh server process: after a warm-up
 * wave of connections that comes and goes and GC, then after {@link MEMORY_CONNECTIONS} connections got a few
 * broadcasts of each kind and GC.
 */
async function memoryPerConnection(mode: Mode): Promise<{ rss: number; heap: number }> {
  const { server, url } = await startServer(mode);
  try {
    const warm = await startClients(mode, url, 50);
    await warmUp({ mode, server, clients: warm.clients, deflating: warm.deflating, n: 50 });
    await stop(warm.clients);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await memory(server);
    const { clients, deflating } = await startClients(mode, url, MEMORY_CONNECTIONS);
    await warmUp({ mode, server, clients, deflating, n: MEMORY_CONNECTIONS });
    const after = await memory(server);
    await stop(clients);
    const perConnection = (bytes: number) => bytes / MEMORY_CONNECTIONS / 1024;
    return { rss: perConnection(after.rss - before.rss), heap: perConnection(after.heap - before.heap) };
  } finally {
    await stop(server);
  }
}

function fixed(value: number): number {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return Number(value.toFixed(digits));
}

function spread(values: readonly number[]): string {
  return `${fixed(Math.min(...values))}–${fixed(Math.max(...values))}`;
}

type Series = Record<Mode, number[]>;

function compare(
  measure: string,
  unit: string,
  series: Series,
  ours: Mode,
  peer: Mode,
  target: BenchRow['target'],
  note: string,
): BenchRow {
  return {
    measure,
    ours: { value: fixed(median(series[ours])), unit },
    peer: { name: MODE_NAMES[peer], value: fixed(median(series[peer])), unit },
    ...(target ? { target } : {}),
    note: `Median of ${series[ours].length} interleaved rounds; ours ${spread(series[ours])}, peer ${spread(series[peer])} ${unit}. ${note}`,
  };
}

export async function run(): Promise<BenchRow[]> {
  try {
    const rigs: Rig[] = [];
    for (const mode of [...MODES, ...CHAT_ONLY_MODES]) rigs.push(await startRig(mode));
    const bytes = new Map<Kind, Series>();
    const micros = new Map<Kind, Series>();
    for (const kind of Object.keys(RUNS) as Kind[]) {
      bytes.set(kind, emptySeries());
      micros.set(kind, emptySeries());
    }
    for (let round = 0; round < ROUNDS; round++) {
      // The order rotates each round, so no mode always runs first (or right after the heaviest).
      const order = rigs.map((_, i) => rigs[(i + round) % rigs.length] as Rig);
      for (const kind of Object.keys(RUNS) as Kind[]) {
        for (const rig of order) {
          if (kind !== 'chat' && CHAT_ONLY_MODES.includes(rig.mode)) continue;
          const sample = await measure(rig, kind, RUNS[kind].count, RUNS[kind].intervalMs);
          bytes.get(kind)?.[rig.mode].push(sample.bytes);
          micros.get(kind)?.[rig.mode].push(sample.micros);
        }
      }
    }
    await Promise.all(rigs.flatMap((rig) => [stop(rig.clients), stop(rig.server)]));
    const rss = emptySeries();
    const heap = emptySeries();
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of MODES.map((_, i) => MODES[(i + round) % MODES.length] as Mode)) {
        const grown = await memoryPerConnection(mode);
        rss[mode].push(grown.rss);
        heap[mode].push(grown.heap);
      }
    }

    const byMode = Object.fromEntries(rigs.map((rig) => [rig.mode, rig])) as Record<Mode, Rig>;
    const negotiated = `permessage-deflate negotiated by ${MODES.filter((mode) => mode !== 'rk-off')
      .map((mode) => `${byMode[mode].deflating}/${SUBSCRIBERS} connections (${MODE_NAMES[mode]})`)
      .join(' and ')}; ${byMode['rk-off'].deflating}/${SUBSCRIBERS} with compression: false.`;
    const rows: BenchRow[] = [];
    for (const kind of Object.keys(RUNS) as Kind[]) {
      const { label, count, intervalMs } = RUNS[kind];
      const size = Buffer.byteLength(JSON.stringify(payload(kind, 0)));
      const b = bytes.get(kind) as Series;
      const m = micros.get(kind) as Series;
      const setup = `${count} broadcasts ${intervalMs} ms apart to ${SUBSCRIBERS} subscribers (data JSON ${size} B; our frame adds a ~130 B envelope, Socket.IO's 11 B).`;
      const sio = `Socket.IO with perMessageDeflate: ${fixed(median(b['sio-on']))} B and ${fixed(median(m['sio-on']))} µs per delivery.`;
      const takeover = `Report only: Socket.IO's ws keeps one compressor per connection (context takeover), so each message can refer back to the ones before it (the same keys, the same envelope) and even chat lines shrink; the price is its CPU and memory rows. Ours compresses each frame on its own, once for everyone.`;
      rows.push(
        compare(
          `WebSocket bytes/delivery, compression on vs off, ${label}`,
          'B',
          b,
          'rk-on',
          'rk-off',
          { kind: 'ratio', op: '<=', value: kind === 'chat' ? 1 : 0.5 },
          `${setup} Server sockets' bytesWritten / deliveries (WebSocket headers included). ${kind === 'chat' ? 'Under the 1 KiB threshold: must not grow. ' : ''}${sio} ${negotiated}`,
        ),
        compare(
          `WebSocket bytes/delivery with compression vs Socket.IO, ${label}`,
          'B',
          b,
          'rk-on',
          'sio-on',
          undefined,
          `${setup} ${takeover}`,
        ),
        compare(
          `server CPU µs/delivery with compression, ${label}`,
          'µs',
          m,
          'rk-on',
          'sio-on',
          { kind: 'ratio', op: '<=', value: 1 },
          `${setup} Server CPU (user+system, zlib's threads included) / deliveries. Ours deflates each frame once for all subscribers (server_no_context_takeover); Socket.IO's ws deflates per socket with context takeover, and ws applies its 1024 B threshold only without context takeover, so Socket.IO compresses every message, chat lines included.`,
        ),
        compare(
          `server CPU µs/delivery, compression on vs off, ${label}`,
          'µs',
          m,
          'rk-on',
          'rk-off',
          { kind: 'ratio', op: '<=', value: 1.25 },
          `${setup} What turning compression on costs our server per delivery (one deflate per frame, shared by ${SUBSCRIBERS} subscribers; fewer bytes for the kernel to copy).`,
        ),
      );
    }
    const chatBytes = bytes.get('chat') as Series;
    rows.push(
      compare(
        `bytes per delivery for a ${RUNS.chat.label}, uncompressed, vs Socket.IO 4.8 (uncompressed)`,
        'B',
        chatBytes,
        'rk-compact',
        'sio-off',
        { kind: 'ratio', op: '<=', value: 1.2 },
        `${RUNS.chat.count} broadcasts ${RUNS.chat.intervalMs} ms apart to ${SUBSCRIBERS} subscribers, the same data JSON (${Buffer.byteLength(JSON.stringify(payload('chat', 0)))} B) on both sides, neither compressed (Socket.IO perMessageDeflate: false; ours compression: false). Server sockets' bytesWritten / deliveries (WebSocket headers included). Ours in the compact encoding the client asks for (\`[topic, id, seq, data]\`: the channel and event named once per session, the UUID v7 id carrying the time); plain JSON frames: ${fixed(median(chatBytes['rk-off']))} B. Server CPU per delivery: ours compact ${fixed(median((micros.get('chat') as Series)['rk-compact']))} µs, Socket.IO ${fixed(median((micros.get('chat') as Series)['sio-off']))} µs.`,
      ),
    );
    const med = (series: Series, mode: Mode) => `${fixed(median(series[mode]))} KiB (${spread(series[mode])})`;
    rows.push(
      compare(
        `server RSS per connection with compression on, N=${MEMORY_CONNECTIONS}`,
        'KiB',
        rss,
        'rk-on',
        'sio-on',
        { kind: 'ratio', op: '<=', value: 0.5 },
        `A fresh server process per mode and round (--expose-gc): RSS after a warm-up wave of 50 connections that came and went and GC, then after ${MEMORY_CONNECTIONS} connections got 10 broadcasts of each payload and GC; growth / ${MEMORY_CONNECTIONS}. zlib's memory is native: RSS sees it, the JS heap does not. Ours with compression: false: ${med(rss, 'rk-off')}. JS heap + external: ours ${med(heap, 'rk-on')}, off ${med(heap, 'rk-off')}, Socket.IO ${med(heap, 'sio-on')}. Clients compress what they send (as browsers do), so a deflating connection keeps an inflate stream on the server; Socket.IO's also keeps a deflate stream each (context takeover).`,
      ),
    );
    return rows;
  } finally {
    await Promise.all([...children].map((child) => stop(child)));
  }
}

const role = process.env.COMPRESSION_BENCH_ROLE;
if (role === 'server') await serverChild(process.argv[2] as Mode);
else if (role === 'clients')
  await clientsChild(process.argv[2] as Mode, process.argv[3] as string, Number(process.argv[4]));
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
