/**
 * Server suite: server CPU per delivery, burst throughput, idle memory per connection and the cost of a second
 * instance over Redis, each against the peer a user would pick instead, measured in the same run.
 *
 * Every server runs in its own child process and reports its own CPU time (process.cpuUsage); clients run in
 * other child processes, so their work is never counted. Ours and the peer are measured interleaved, round by
 * round (the order alternating), and each row gives the median of the rounds with the spread in its note.
 *
 * Quick run: `node --conditions=source --import tsx bench/suites/server.ts` prints the table.
 * `SERVER_BENCH_QUICK=1` runs a tenth of the clients (for development; the figures are not the table's).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { forkChild, stopChild } from '../lib/children.js';
import { startRedis } from '../lib/redis.js';
import { isMet, median, ratioOf, type BenchRow } from '../lib/result.js';
import type {
  ClientConfig,
  ClientKind,
  FromClients,
  FromServer,
  ServerConfig,
  ToClients,
  ToServer,
} from '../lib/server/protocol.js';

const QUICK = process.env.SERVER_BENCH_QUICK === '1';
const SCALE = QUICK ? 0.1 : 1;
const ROUNDS = 3;
/** Every wait for a child is bounded: a stuck run fails the suite instead of hanging it. */
const WAIT_MS = 60_000;

const SERVER_SCRIPT = fileURLToPath(new URL('../lib/server/server-process.ts', import.meta.url));
const CLIENT_SCRIPT = fileURLToPath(new URL('../lib/server/client-process.ts', import.meta.url));

/** Every child this suite started, so each one is killed at the end, also on error. */
const children = new Set<ChildProcess>();

function start(script: string, config: ServerConfig | ClientConfig, execArgv: readonly string[] = []): ChildProcess {
  return forkChild(children, script, [JSON.stringify(config)], { execArgv });
}

const stop = stopChild;

async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
}

/** The next message of `type` from `child`, within {@link WAIT_MS}. */
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

function tell(child: ChildProcess, message: ToServer | ToClients) {
  child.send(message);
}

function pause(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Server processes with their clients, connected and ready. */
interface Rig {
  readonly servers: readonly ChildProcess[];
  readonly clients: readonly ChildProcess[];
  /** Clients in all. */
  readonly n: number;
}

async function startServer(
  config: ServerConfig,
  execArgv: readonly string[] = [],
): Promise<{ child: ChildProcess; port: number }> {
  const child = start(SERVER_SCRIPT, config, execArgv);
  const { port } = await next<FromServer, 'listening'>(child, 'listening');
  return { child, port };
}

async function startClients(kind: ClientKind, url: string, count: number): Promise<ChildProcess> {
  const child = start(CLIENT_SCRIPT, { kind, url, count });
  await next<FromClients, 'ready'>(child, 'ready');
  return child;
}

function urlOf(kind: ClientKind, port: number): string {
  return kind === 'sse'
    ? `http://127.0.0.1:${port}/sse`
    : kind === 'sio'
      ? `http://127.0.0.1:${port}`
      : `ws://127.0.0.1:${port}/realtime`;
}

/** One server and `n` clients over `processes` client processes. */
async function startRig(config: ServerConfig, kind: ClientKind, n: number, processes: number): Promise<Rig> {
  const server = await startServer(config);
  const clients: ChildProcess[] = [];
  // One process after another: each connects in batches, so the accept backlog never overflows.
  for (let i = 0; i < processes; i++)
    clients.push(await startClients(kind, urlOf(kind, server.port), share(n, processes, i)));
  return { servers: [server.child], clients, n };
}

function share(n: number, parts: number, index: number): number {
  return Math.floor(n / parts) + (index < n % parts ? 1 : 0);
}

interface Measured {
  /** Server CPU time (user + system), summed over the rig's servers, in µs. */
  readonly micros: number;
  /** Of which in the kernel (on loopback this includes the TCP path of each write), in µs. */
  readonly system: number;
  readonly deliveries: number;
  readonly maxQueuedBytes: number;
  readonly publishErrors: number;
  readonly latencies: readonly number[];
  readonly closes: number;
}

/** The kernel's share of each measured run's server CPU, per rig (on loopback a write's TCP path runs in the kernel). */
const kernelShares = new Map<Rig, number[]>();

function kernelNote(ours: Rig, peer: Rig): string {
  const share = (rig: Rig) => `${Math.round(100 * median(kernelShares.get(rig) ?? [Number.NaN]))}%`;
  return `Kernel (system) share of server CPU: ours ${share(ours)}, peer ${share(peer)}.`;
}

/** `count` broadcasts from the rig's first server, `intervalMs` apart; the clock stops once every client has them all. */
async function measure(rig: Rig, count: number, intervalMs: number): Promise<Measured> {
  await Promise.all(
    rig.clients.map((client) => {
      const expecting = next<FromClients, 'expecting'>(client, 'expecting');
      tell(client, { type: 'expect', perClient: count });
      return expecting;
    }),
  );
  const done = rig.clients.map((client) => next<FromClients, 'done'>(client, 'done'));
  // The other servers only deliver (what reaches them through Redis): their clocks start first.
  for (const server of rig.servers.slice(1)) tell(server, { type: 'run', count: 0, intervalMs });
  tell(rig.servers[0] as ChildProcess, { type: 'run', count, intervalMs });
  const reports = await Promise.all(done);
  const cpu = await Promise.all(
    rig.servers.map((server) => {
      const answer = next<FromServer, 'cpu'>(server, 'cpu');
      tell(server, { type: 'stop' });
      return answer;
    }),
  );
  const micros = cpu.reduce((sum, c) => sum + c.user + c.system, 0);
  const system = cpu.reduce((sum, c) => sum + c.system, 0);
  kernelShares.set(rig, [...(kernelShares.get(rig) ?? []), system / micros]);
  return {
    micros,
    system,
    deliveries: count * rig.n,
    maxQueuedBytes: Math.max(...cpu.map((c) => c.maxQueuedBytes)),
    publishErrors: cpu.reduce((sum, c) => sum + c.publishErrors, 0),
    latencies: reports.flatMap((r) => r.latencies),
    closes: reports.reduce((sum, r) => sum + r.closes, 0),
  };
}

async function stopRig(rig: Rig): Promise<void> {
  await Promise.all([...rig.clients, ...rig.servers].map((child) => stop(child)));
}

/** Runs `ours` and `peer` once per round, alternating which goes first, and returns both series. */
async function interleaved(
  ours: () => Promise<number>,
  peer: () => Promise<number>,
): Promise<{ ours: number[]; peer: number[] }> {
  const result = { ours: [] as number[], peer: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      result.ours.push(await ours());
      result.peer.push(await peer());
    } else {
      result.peer.push(await peer());
      result.ours.push(await ours());
    }
  }
  return result;
}

function fixed(value: number): number {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return Number(value.toFixed(digits));
}

function spread(values: readonly number[]): string {
  return `${fixed(Math.min(...values))}–${fixed(Math.max(...values))}`;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function row(
  measure: string,
  unit: string,
  peerName: string,
  series: { ours: number[]; peer: number[] },
  target: NonNullable<BenchRow['target']>,
  note: string,
): BenchRow {
  return {
    measure,
    ours: { value: fixed(median(series.ours)), unit },
    peer: { name: peerName, value: fixed(median(series.peer)), unit },
    target,
    note: `median of ${series.ours.length} interleaved rounds; ours ${spread(series.ours)}, peer ${spread(series.peer)} ${unit}. ${note}`,
  };
}

const SIO = 'Socket.IO 4.8 io.emit (websocket transport)';

/** Rows 1 (N=1k), 2 and 3: four servers with 1k clients each, measured round by round. */
async function thousand(): Promise<BenchRow[]> {
  const n = Math.round(1000 * SCALE);
  const paced = { count: 100, intervalMs: 20 };
  const burst = 200;
  const node = await startRig({ mode: 'sse-node' }, 'sse', n, 1);
  const sio = await startRig({ mode: 'sio' }, 'sio', n, 1);
  const web = await startRig({ mode: 'sse-web' }, 'sse', n, 1);
  const plain = await startRig({ mode: 'sse-plain' }, 'sse', n, 1);
  const perDelivery = async (rig: Rig) => {
    const m = await measure(rig, paced.count, paced.intervalMs);
    return m.micros / m.deliveries;
  };
  const perSecond = async (rig: Rig) => {
    const m = await measure(rig, burst, 0);
    return m.deliveries / (m.micros / 1e6);
  };
  // Warm-up: JIT and buffers, not measured.
  for (const rig of [node, sio, web, plain]) await measure(rig, 30, 5);

  kernelShares.clear();
  const nodeVsSio = await interleaved(
    () => perDelivery(node),
    () => perDelivery(sio),
  );
  const pacedKernel = kernelNote(node, sio);
  const webVsPlain = await interleaved(
    () => perDelivery(web),
    () => perDelivery(plain),
  );
  const webKernel = kernelNote(web, plain);
  kernelShares.clear();
  const burstSeries = await interleaved(
    () => perSecond(node),
    () => perSecond(sio),
  );
  const burstKernel = kernelNote(node, sio);
  await Promise.all([node, sio, web, plain].map(stopRig));

  const pacedNote = `${paced.count} broadcasts ${paced.intervalMs} ms apart to ${n} clients (beyond the 4 ms write window, so every delivery is its own write); server CPU (user+system) / deliveries.`;
  return [
    row(
      `server CPU µs/delivery, SSE on a Node response, N=${label(n)}`,
      'µs',
      SIO,
      nodeVsSio,
      { kind: 'ratio', op: '<=', value: 0.85 },
      `${pacedNote} Ours: createNodeEventStream, encodeEvent once per broadcast. ${pacedKernel}`,
    ),
    row(
      `server CPU µs/delivery, SSE in a route handler (Web stream), N=${label(n)}`,
      'µs',
      'plain res.write SSE (one string per broadcast)',
      webVsPlain,
      { kind: 'ratio', op: '<=', value: 1.3 },
      `${pacedNote} Ours: createEventStream(request) served through a Node ⇄ Fetch adapter (reader.read → res.write, as Next.js does). ${webKernel}`,
    ),
    row(
      `burst deliveries/s with write coalescing, N=${label(n)}`,
      'deliveries/s',
      SIO,
      burstSeries,
      { kind: 'ratio', op: '>=', value: 3 },
      `A burst of ${burst} broadcasts, one per event-loop turn, to ${n} clients; deliveries per second of server CPU. Ours: createNodeEventStream with the default 4 ms write window. ${burstKernel}`,
    ),
  ];
}

/** Row 1 at N=5k: the clients split over two processes. */
async function fiveThousand(): Promise<BenchRow[]> {
  const n = Math.round(5000 * SCALE);
  const paced = { count: 40, intervalMs: 50 };
  const node = await startRig({ mode: 'sse-node' }, 'sse', n, 2);
  const sio = await startRig({ mode: 'sio' }, 'sio', n, 2);
  const perDelivery = async (rig: Rig) => {
    const m = await measure(rig, paced.count, paced.intervalMs);
    return m.micros / m.deliveries;
  };
  for (const rig of [node, sio]) await measure(rig, 10, 50);
  kernelShares.clear();
  const series = await interleaved(
    () => perDelivery(node),
    () => perDelivery(sio),
  );
  await Promise.all([node, sio].map(stopRig));
  return [
    row(
      `server CPU µs/delivery, SSE on a Node response, N=${label(n)}`,
      'µs',
      SIO,
      series,
      { kind: 'ratio', op: '<=', value: 0.85 },
      `${paced.count} broadcasts ${paced.intervalMs} ms apart to ${n} clients in 2 client processes; server CPU (user+system) / deliveries. Ours: createNodeEventStream, encodeEvent once per broadcast. ${kernelNote(node, sio)}`,
    ),
  ];
}

/** Row 4: server RSS growth per idle connection, in a fresh server process per side and round. */
async function idleMemory(): Promise<BenchRow[]> {
  const n = Math.round(2000 * SCALE);
  /** JS heap + external growth per connection, per mode (the part of RSS the GC accounts for). */
  const heap = new Map<string, number[]>();
  const perConnection = async (config: ServerConfig, kind: ClientKind) => {
    const server = await startServer(config, ['--expose-gc']);
    try {
      const url = urlOf(kind, server.port);
      // Warm-up: a first wave of connections that comes and goes, so the code paths are loaded and compiled.
      const warm = await startClients(kind, url, 100);
      await stop(warm);
      await pause(500);
      const base = next<FromServer, 'rss'>(server.child, 'rss');
      tell(server.child, { type: 'rss' });
      const before = await base;
      const clients = await startClients(kind, url, n);
      await pause(500);
      const after = next<FromServer, 'rss'>(server.child, 'rss');
      tell(server.child, { type: 'rss' });
      const grown = await after;
      await stop(clients);
      heap.set(config.mode, [...(heap.get(config.mode) ?? []), (grown.heapBytes - before.heapBytes) / n / 1024]);
      return (grown.bytes - before.bytes) / n / 1024;
    } finally {
      await stop(server.child);
    }
  };
  const series = await interleaved(
    () => perConnection({ mode: 'sse-node' }, 'sse'),
    () => perConnection({ mode: 'sio' }, 'sio'),
  );
  return [
    row(
      `idle RSS per connection, N=${label(n)}`,
      'KiB',
      'Socket.IO 4.8 (websocket transport)',
      series,
      { kind: 'ratio', op: '<=', value: 0.85 },
      `Fresh server process per side and round (--expose-gc): RSS after a warm-up wave of 100 connections and GC, then after ${n} idle connections and GC; growth / ${n}. Ours: createNodeEventStream with defaults (15 s heartbeat). Peer: defaults. JS heap + external growth per connection (median): ours ${fixed(median(heap.get('sse-node') ?? [Number.NaN]))} KiB, peer ${fixed(median(heap.get('sio') ?? [Number.NaN]))} KiB.`,
    ),
  ];
}

/** Row 5: two WebSocket-endpoint instances over Redis vs one with the memory broker. */
async function overRedis(): Promise<BenchRow[]> {
  const n = Math.round(1000 * SCALE);
  const published = { count: 100, intervalMs: 20 };
  const redis = await startRedis(children);
  try {
    const a = await startServer({ mode: 'rk-ws', redisUrl: redis.url });
    const b = await startServer({ mode: 'rk-ws', redisUrl: redis.url });
    const dual: Rig = {
      servers: [a.child, b.child],
      clients: [
        await startClients('rk', urlOf('rk', a.port), share(n, 2, 0)),
        await startClients('rk', urlOf('rk', b.port), share(n, 2, 1)),
      ],
      n,
    };
    const one = await startServer({ mode: 'rk-ws' });
    const single: Rig = {
      servers: [one.child],
      clients: [
        await startClients('rk', urlOf('rk', one.port), share(n, 2, 0)),
        await startClients('rk', urlOf('rk', one.port), share(n, 2, 1)),
      ],
      n,
    };
    const details = { dual: [] as Measured[], single: [] as Measured[] };
    const perDelivery = async (rig: Rig, into: Measured[]) => {
      const m = await measure(rig, published.count, published.intervalMs);
      into.push(m);
      return m.micros / m.deliveries;
    };
    for (const rig of [dual, single]) await measure(rig, 20, 20);
    const series = await interleaved(
      () => perDelivery(dual, details.dual),
      () => perDelivery(single, details.single),
    );
    await Promise.all([dual, single].map(stopRig));

    const latency = (runs: readonly Measured[]) => {
      const all = runs.flatMap((m) => m.latencies).sort((x, y) => x - y);
      return `p50 ${fixed(percentile(all, 50))} ms, p99 ${fixed(percentile(all, 99))} ms`;
    };
    const bounds = (runs: readonly Measured[]) => {
      const queued = Math.max(...runs.map((m) => m.maxQueuedBytes));
      const closes = runs.reduce((sum, m) => sum + m.closes, 0);
      const errors = runs.reduce((sum, m) => sum + m.publishErrors, 0);
      return `max socket backlog ${fixed(queued / 1024)} KiB (cap 1024 KiB), ${closes} server closes (slow-consumer 1013 or other), ${errors} failed publishes`;
    };
    return [
      row(
        `two instances over Redis vs one: CPU per delivery, N=${label(n)}`,
        'µs',
        'one instance, memory broker',
        series,
        { kind: 'ratio', op: '<=', value: 1.25 },
        `createRealtime + createWebSocketEndpoint; ${published.count} realtime.publish calls ${published.intervalMs} ms apart on the first instance, ${n} subscribers of one channel (two client processes; with Redis split across both instances). CPU summed over the server processes (Redis itself not counted). Publish→receive latency: two instances ${latency(details.dual)}; one instance ${latency(details.single)}. Queue bounds: two instances ${bounds(details.dual)}; one instance ${bounds(details.single)}.`,
      ),
    ];
  } finally {
    await stop(redis.child);
  }
}

function label(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

export async function run(): Promise<BenchRow[]> {
  try {
    const rows: BenchRow[] = [];
    const [first, burst] = await thousand().then((r) => [r.slice(0, 2), r.slice(2)] as const);
    rows.push(first[0] as BenchRow, ...(await fiveThousand()), first[1] as BenchRow, ...burst);
    rows.push(...(await idleMemory()));
    rows.push(...(await overRedis()));
    return rows;
  } finally {
    await stopAll();
  }
}

function formatTable(rows: readonly BenchRow[]): string {
  const lines = rows.map((r) => {
    const ratio = ratioOf(r);
    const met = isMet(r);
    const target = r.target ? `${r.target.kind === 'ratio' ? 'ratio ' : ''}${r.target.op} ${r.target.value}` : '';
    return [
      r.measure,
      `${r.ours.value} ${r.ours.unit}`,
      r.peer ? `${r.peer.value} ${r.peer.unit} (${r.peer.name})` : '',
      ratio === undefined ? '' : ratio.toFixed(2),
      target,
      met === undefined ? '' : met ? 'met' : 'NOT met',
    ];
  });
  const header = ['measure', 'ours', 'peer', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  const out = [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)];
  out.push('', ...rows.map((r) => `- ${r.measure}: ${r.note ?? ''}`));
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kill = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      kill();
      process.exit(130);
    });
  }
  const started = performance.now();
  run().then(
    (rows) => {
      console.log(formatTable(rows));
      console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
