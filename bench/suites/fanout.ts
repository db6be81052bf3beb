/**
 * Fan-out suite: the WebSocket endpoint under fan-out storms, with and without write coalescing, and Socket.IO in the
 * same run, over real sockets on 127.0.0.1. One channel with 100 subscribers:
 * - bursts: every 20 ms, 50 publishes in one macrotask (what the endpoint sees when 50 clients' frames arrive in one
 *   poll phase), 40 times: 200 000 deliveries;
 * - paced: one publish per turn, 5 ms apart, 200 times (a quiet channel: what coalescing must not make worse).
 * Measured: server CPU per delivery (`process.cpuUsage` delta / deliveries) and the server's event-loop delay
 * (`monitorEventLoopDelay`, 10 ms sampling) during the run, for
 * - ours, `createWebSocketEndpoint` with its defaults (frames coalesced per turn, fan-out budget 8 ms);
 * - ours with `coalesceMs: false` (every frame written as it is sent: one write per frame and socket, as before);
 * - Socket.IO 4.8 `io.emit` (websocket transport), the peer.
 *
 * Each server runs in its own child process, the clients in another (this file, forked with a role), so client work
 * is never counted as the server's. The modes are measured interleaved, round by round (the order rotating); each
 * row gives the median of the rounds with the spread in its note. Every wait is bounded.
 *
 * Quick run: `node --conditions=source --import tsx bench/suites/fanout.ts` prints the rows.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Server as SocketIOServer } from 'socket.io';
import { io, type Socket as SocketIOClient } from 'socket.io-client';
import WebSocket from 'ws';
import { createRealtime, createWebSocketEndpoint, type Realtime } from '@realtime-kit/server';
import { forkChild, stopChild } from '../lib/children.js';
import { median, type BenchRow } from '../lib/result.js';

const SUBSCRIBERS = 100;
const ROUNDS = 3;
/** Every wait for a child is bounded: a stuck run fails the suite instead of hanging it. */
const WAIT_MS = 120_000;

type Mode = 'rk' | 'rk-off' | 'sio';
type Kind = 'burst' | 'paced';

const MODES: readonly Mode[] = ['rk', 'rk-off', 'sio'];
const MODE_NAMES: Record<Mode, string> = {
  rk: 'ours, defaults (coalesced)',
  'rk-off': 'ours, coalesceMs: false',
  sio: 'Socket.IO 4.8 io.emit (websocket transport)',
};
/** Rounds of publishes per run: `perRound` in one macrotask, `intervalMs` apart. */
const RUNS: Record<Kind, { readonly rounds: number; readonly perRound: number; readonly intervalMs: number }> = {
  burst: { rounds: 40, perRound: 50, intervalMs: 20 },
  paced: { rounds: 200, perRound: 1, intervalMs: 5 },
};

/** The chat line every run publishes (~150 B of JSON with our envelope). */
function line(n: number) {
  return { text: 'hello from the fan-out benchmark, a chat line', n, user: 'ada' };
}

type ToServer = { readonly type: 'run'; readonly kind: Kind } | { readonly type: 'stop' };
type FromServer =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'running' }
  | {
      readonly type: 'stopped';
      readonly micros: number;
      readonly delayP99: number;
      readonly delayMax: number;
      readonly publishErrors: number;
    };
type ToClients = { readonly type: 'expect'; readonly perClient: number };
type FromClients =
  | { readonly type: 'ready' }
  | { readonly type: 'expecting' }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly reason: string };

// ---------------------------------------------------------------------------------------------------------------
// The server child: one mode on 127.0.0.1; publishes on command, reporting its CPU time and event-loop delay.

async function serverChild(mode: Mode): Promise<void> {
  const reply = (message: FromServer) => process.send?.(message);
  const server = createServer((_request, response) => {
    if (mode !== 'sio') response.writeHead(404).end();
  });
  let realtime: Realtime | undefined;
  let sio: SocketIOServer | undefined;
  if (mode === 'sio') sio = new SocketIOServer(server, { transports: ['websocket'], serveClient: false });
  else {
    // logSize 1: only the fan-out is measured, not a log of thousands of messages.
    realtime = await createRealtime({ redis: false, rateLimit: false, logSize: 1 });
    createWebSocketEndpoint({
      server,
      path: '/realtime',
      realtime,
      ...(mode === 'rk-off' ? { coalesceMs: false } : {}),
    });
  }
  let cpu: NodeJS.CpuUsage | undefined;
  let publishErrors = 0;
  let sent = 0;
  const delay = monitorEventLoopDelay({ resolution: 10 });

  function run(kind: Kind) {
    const { rounds, perRound, intervalMs } = RUNS[kind];
    publishErrors = 0;
    delay.reset();
    delay.enable();
    cpu = process.cpuUsage();
    reply({ type: 'running' });
    const began = performance.now();
    let round = 0;
    const tick = () => {
      for (let i = 0; i < perRound; i++) {
        const data = line(sent++);
        if (sio) sio.emit('chat', data);
        else realtime?.publish('room', 'chat', data).catch(() => (publishErrors += 1));
      }
      round += 1;
      if (round < rounds) setTimeout(tick, Math.max(0, began + round * intervalMs - performance.now()));
    };
    tick();
  }

  process.on('message', (message: ToServer) => {
    if (message.type === 'run') run(message.kind);
    else {
      const used = process.cpuUsage(cpu);
      delay.disable();
      reply({
        type: 'stopped',
        micros: used.user + used.system,
        delayP99: delay.percentile(99) / 1e6,
        delayMax: delay.max / 1e6,
        publishErrors,
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', 1024, () => reply({ type: 'listening', port: (server.address() as AddressInfo).port }));
}

// ---------------------------------------------------------------------------------------------------------------
// The client child: `count` subscribers; counts deliveries.

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
  const openRealtime = () =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('error', reject);
      ws.on('message', (raw: WebSocket.RawData) => {
        const text = raw.toString();
        if (text.startsWith('{"type":"message"')) return delivered();
        const frame = JSON.parse(text) as { type: string };
        if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', channel: 'room' }));
        else if (frame.type === 'subscribed') resolve();
      });
      ws.on('close', () => lost('a WebSocket closed'));
    });
  const openSocketIO = () =>
    new Promise<void>((resolve, reject) => {
      const socket: SocketIOClient = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
      socket.on('chat', delivered);
      socket.on('disconnect', () => lost('a Socket.IO client disconnected'));
    });
  for (let i = 0; i < count; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, () => (mode === 'sio' ? openSocketIO() : openRealtime())),
    );
  }
  tell({ type: 'ready' });
  process.on('message', (message: ToClients) => {
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
  return forkChild(children, SELF, args, { env: { ...process.env, FANOUT_BENCH_ROLE: role } });
}

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
}

interface Sample {
  /** Server CPU per delivery, µs. */
  readonly micros: number;
  readonly delayP99: number;
  readonly delayMax: number;
}

/** One run of `kind`; the clock stops once every subscriber has every message. */
async function measure(rig: Rig, kind: Kind): Promise<Sample> {
  const { rounds, perRound } = RUNS[kind];
  const perClient = rounds * perRound;
  const expecting = next<FromClients, 'expecting'>(rig.clients, 'expecting');
  rig.clients.send({ type: 'expect', perClient } satisfies ToClients);
  await expecting;
  const done = next<FromClients, 'done'>(rig.clients, 'done');
  const running = next<FromServer, 'running'>(rig.server, 'running');
  rig.server.send({ type: 'run', kind } satisfies ToServer);
  await running;
  await done;
  const stopped = next<FromServer, 'stopped'>(rig.server, 'stopped');
  rig.server.send({ type: 'stop' } satisfies ToServer);
  const result = await stopped;
  if (result.publishErrors > 0) throw new Error(`${result.publishErrors} publishes failed in ${rig.mode}`);
  return { micros: result.micros / (perClient * SUBSCRIBERS), delayP99: result.delayP99, delayMax: result.delayMax };
}

async function startRig(mode: Mode): Promise<Rig> {
  const server = start('server', [mode]);
  const { port } = await next<FromServer, 'listening'>(server, 'listening');
  const url = mode === 'sio' ? `http://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/realtime`;
  const clients = start('clients', [mode, url, String(SUBSCRIBERS)]);
  await next<FromClients, 'ready'>(clients, 'ready');
  const rig = { mode, server, clients };
  // Warm-up, not measured: JIT and buffers.
  for (const kind of Object.keys(RUNS) as Kind[]) await measure(rig, kind);
  return rig;
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

const empty = (): Series => ({ rk: [], 'rk-off': [], sio: [] });

export async function run(): Promise<BenchRow[]> {
  try {
    const rigs: Rig[] = [];
    for (const mode of MODES) rigs.push(await startRig(mode));
    const micros = { burst: empty(), paced: empty() };
    const p99 = { burst: empty(), paced: empty() };
    const max = { burst: empty(), paced: empty() };
    for (let round = 0; round < ROUNDS; round++) {
      const order = rigs.map((_, i) => rigs[(i + round) % rigs.length] as Rig);
      for (const kind of Object.keys(RUNS) as Kind[]) {
        for (const rig of order) {
          const sample = await measure(rig, kind);
          micros[kind][rig.mode].push(sample.micros);
          p99[kind][rig.mode].push(sample.delayP99);
          max[kind][rig.mode].push(sample.delayMax);
        }
      }
    }
    await Promise.all(rigs.flatMap((rig) => [stopChild(rig.clients), stopChild(rig.server)]));

    const { burst, paced } = RUNS;
    const burstSetup = `${burst.rounds} rounds ${burst.intervalMs} ms apart of ${burst.perRound} publishes in one macrotask, to ${SUBSCRIBERS} subscribers of one channel (${burst.rounds * burst.perRound * SUBSCRIBERS} deliveries); server CPU (user+system) / deliveries.`;
    const pacedSetup = `${paced.rounds} publishes ${paced.intervalMs} ms apart, one per turn, to ${SUBSCRIBERS} subscribers; server CPU / deliveries.`;
    const delays = (kind: Kind) =>
      MODES.map(
        (mode) =>
          `${MODE_NAMES[mode]} p99 ${fixed(median(p99[kind][mode]))} ms, max ${fixed(median(max[kind][mode]))} ms`,
      ).join('; ');
    const off = `coalesceMs: false writes each frame to its socket as it is sent (one write per frame and socket, as the endpoint did before coalescing), still from the frame bytes built once per broadcast.`;
    return [
      compare(
        `WebSocket fan-out CPU µs/delivery, coalesced vs not, bursts of ${burst.perRound} publishes, N=${SUBSCRIBERS}`,
        'µs',
        micros.burst,
        'rk',
        'rk-off',
        { kind: 'ratio', op: '<=', value: 0.5 },
        `${burstSetup} ${off} Event-loop delay (monitorEventLoopDelay, 10 ms sampling, medians): ${delays('burst')}.`,
      ),
      compare(
        `WebSocket fan-out CPU µs/delivery vs Socket.IO, bursts of ${burst.perRound} publishes, N=${SUBSCRIBERS}`,
        'µs',
        micros.burst,
        'rk',
        'sio',
        { kind: 'ratio', op: '<=', value: 1 },
        `${burstSetup} Ours stores each message in the channel log and numbers it (seq) before fanning out; Socket.IO's io.emit only sends. Ours coalesced: one write per socket per turn; Socket.IO: one ws.send (one write) per message and socket.`,
      ),
      compare(
        `WebSocket fan-out CPU µs/delivery, coalesced vs not, one publish per turn, N=${SUBSCRIBERS}`,
        'µs',
        micros.paced,
        'rk',
        'rk-off',
        { kind: 'ratio', op: '<=', value: 1.25 },
        `${pacedSetup} Nothing to coalesce here (each turn has one frame per socket): what coalescing costs a quiet channel (the end-of-turn setImmediate). Socket.IO: ${fixed(median(micros.paced.sio))} µs. Event-loop delay: ${delays('paced')}.`,
      ),
    ];
  } finally {
    await Promise.all([...children].map((child) => stopChild(child)));
  }
}

const role = process.env.FANOUT_BENCH_ROLE;
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
