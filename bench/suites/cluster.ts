/**
 * Cluster suite: what the features that went cluster-wide cost, over real WebSockets on 127.0.0.1 and a
 * redis-server of our own (`createRealtime` + `createWebSocketEndpoint`, the way an app deploys them).
 *
 * 1. Presence across instances: server CPU per delivered presence update while members churn their data, with
 *    members and subscribers spread over two instances sharing Redis (each instance announces its members' changes
 *    through Redis: one Lua step updates the channel's presence hash and publishes the delta), against the same load
 *    on one instance with the memory broker. Two controls are measured too (note only): one instance over Redis (every
 *    change announced, nobody to hear it: the cost of announcing), and two memory-broker instances splitting the load
 *    with nothing between them (the cost of spreading the load over two processes, cluster code aside).
 * 2. Rewind: what `client.channel(name, { rewind: 100 })` adds to a subscribe over a plain one, with the real client
 *    (`createRealtimeClient` + `websocketTransport`): the broker calls the hub makes per subscribe (history, latest,
 *    lookup, presence snapshots; over Redis also every command on the wire) and the time from the subscribe to the
 *    channel's `subscribed` state, with the memory broker and with Redis.
 *
 * Servers run in child processes and report their own CPU; the presence clients run in other children, so client
 * work is never counted. The presence modes are measured interleaved, round by round (the order rotating); each row
 * gives the median of the rounds with the spread in its note. Every wait is bounded.
 *
 * Quick run: `node --conditions=source --import tsx bench/suites/cluster.ts` prints the rows.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { forkChild, stopChild } from '../lib/children.js';
import type { FromPresenceClients, PresenceClientsConfig, ToPresenceClients } from '../lib/cluster/protocol.js';
import { rewindRows } from '../lib/cluster/rewind.js';
import { ask, fixed, next, spread, startServer } from '../lib/cluster/rig.js';
import { startRedis, type BenchRedis } from '../lib/redis.js';
import { median, type BenchRow } from '../lib/result.js';

/** 100 subscribers, 20 of them present, each updating every 100 ms for 2 s: 200 updates/s, 40 000 deliveries a run. */
const PRESENCE = { connections: 100, members: 20, updates: 20, intervalMs: 100 } as const;
/**
 * Before the rounds, each rig gets three runs' worth of updates at twice the rate: every server process compiles its
 * hot paths on its own (two instances, twice over), and one warm-up run left the two instances still optimizing.
 */
const PRESENCE_WARM_UP = { updates: 60, intervalMs: 50 } as const;
/** Five rounds: with two server processes, clients and Redis sharing the machine, single runs spread widely. */
const PRESENCE_ROUNDS = 5;

const CLIENTS_SCRIPT = fileURLToPath(new URL('../lib/cluster/presence-clients.ts', import.meta.url));

/** Every child this suite started, so each one is killed at the end, also on error. */
const children = new Set<ChildProcess>();

/** Redis's own CPU time so far (user + system), µs. */
async function redisCpu(client: Redis): Promise<number> {
  const info = await client.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

// ---------------------------------------------------------------------------------------------------------------
// Presence across instances (the rewind rows are measured by lib/cluster/rewind.ts).

/**
 * - `two`: two instances over Redis, members and subscribers split evenly (ours);
 * - `one`: one instance, memory broker (the peer);
 * - `one-redis`: one instance over Redis (note): every change announced, nobody to hear it;
 * - `split`: two instances with the memory broker, each with half the members and subscribers and nothing between
 *   them (note): what splitting the load over two processes costs by itself, cluster code aside.
 */
type PresenceMode = 'two' | 'one' | 'one-redis' | 'split';
const PRESENCE_MODES: readonly PresenceMode[] = ['two', 'one', 'one-redis', 'split'];

interface PresenceRig {
  readonly mode: PresenceMode;
  readonly servers: readonly ChildProcess[];
  /** One client process; `split`: one per instance, each with its half. */
  readonly clients: readonly ChildProcess[];
}

interface PresenceSample {
  /** Server CPU per delivered update, µs. */
  readonly micros: number;
  /** The kernel's (system) share of that CPU. */
  readonly kernel: number;
  /** Event-loop wakes per update, summed over the instances (NaN where /proc is not there to count them). */
  readonly wakes: number;
  /** Redis CPU per delivered update, µs (rigs over Redis). */
  readonly redisMicros: number;
  readonly received: number;
  readonly expected: number;
  readonly p50: number;
  readonly p99: number;
}

async function startPresenceRig(mode: PresenceMode, redis: BenchRedis): Promise<PresenceRig> {
  const servers: { child: ChildProcess; url: string }[] = [];
  const overRedis = mode === 'two' || mode === 'one-redis';
  for (let i = 0; i < (mode === 'two' || mode === 'split' ? 2 : 1); i++)
    servers.push(await startServer(children, overRedis ? { redisUrl: redis.url } : {}));
  // A channel per rig: the rigs over Redis share one redis-server, and must not see each other's members.
  const channel = `room-${mode}`;
  const { connections, members } = PRESENCE;
  const configs: PresenceClientsConfig[] =
    mode === 'split'
      ? servers.map((server) => ({
          urls: [server.url],
          connections: connections / servers.length,
          members: members / servers.length,
          channel,
        }))
      : [{ urls: servers.map((server) => server.url), connections, members, channel }];
  const clients: ChildProcess[] = [];
  for (const config of configs) {
    const child = forkChild(children, CLIENTS_SCRIPT, [JSON.stringify(config)]);
    await next<FromPresenceClients, 'ready'>(child, 'ready');
    clients.push(child);
  }
  return { mode, servers: servers.map((s) => s.child), clients };
}

let presenceRound = 0;

/** One run: the server clocks start, every member updates its data, the clocks stop once every connection has every last update. */
async function measurePresence(
  rig: PresenceRig,
  redis: Redis,
  load: { updates: number; intervalMs: number } = PRESENCE,
): Promise<PresenceSample> {
  const round = presenceRound++;
  const redisBefore = await redisCpu(redis);
  await Promise.all(rig.servers.map((server) => ask(server, { type: 'cpu-start' }, 'cpu-started')));
  const done = Promise.all(rig.clients.map((clients) => next<FromPresenceClients, 'done'>(clients, 'done')));
  for (const clients of rig.clients)
    clients.send({
      type: 'run',
      round,
      updates: load.updates,
      intervalMs: load.intervalMs,
    } satisfies ToPresenceClients);
  const results = await done;
  const cpu = await Promise.all(rig.servers.map((server) => ask(server, { type: 'cpu-stop' }, 'cpu')));
  const redisMicros = (await redisCpu(redis)) - redisBefore;
  const micros = cpu.reduce((sum, c) => sum + c.user + c.system, 0);
  const system = cpu.reduce((sum, c) => sum + c.system, 0);
  const wakes = cpu.reduce((sum, c) => sum + (c.wakes ?? Number.NaN), 0) / (PRESENCE.members * load.updates);
  const received = results.reduce((sum, r) => sum + r.received, 0);
  return {
    micros: micros / received,
    kernel: system / micros,
    wakes,
    redisMicros: redisMicros / received,
    received,
    expected: results.reduce((sum, r) => sum + r.expected, 0),
    // Split rigs: the mean of the client processes' medians and the worst p99.
    p50: results.reduce((sum, r) => sum + r.p50, 0) / results.length,
    p99: Math.max(...results.map((r) => r.p99)),
  };
}

/**
 * CPU per event-loop wake of this (otherwise idle) process, µs: a timer every 5 ms for a second. It prices each
 * extra wake per update (a Redis reply, a pub/sub delta): a few µs on most machines, far more on some VMs.
 */
async function wakeCost(): Promise<number> {
  const wakes = 200;
  const began = performance.now();
  const cpu = process.cpuUsage();
  await new Promise<void>((resolve) => {
    let woken = 0;
    const tick = () => {
      woken += 1;
      if (woken >= wakes) return resolve();
      setTimeout(tick, Math.max(0, began + woken * 5 - performance.now()));
    };
    tick();
  });
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / wakes;
}

async function presence(redis: BenchRedis): Promise<BenchRow[]> {
  const info = new Redis(redis.url);
  try {
    const wake = await wakeCost();
    const rigs: PresenceRig[] = [];
    for (const mode of PRESENCE_MODES) rigs.push(await startPresenceRig(mode, redis));
    // Warm-up, not measured: JIT, buffers, the Redis scripts loaded.
    for (const rig of rigs) await measurePresence(rig, info, PRESENCE_WARM_UP);
    const samples: Record<PresenceMode, PresenceSample[]> = { two: [], one: [], 'one-redis': [], split: [] };
    for (let round = 0; round < PRESENCE_ROUNDS; round++) {
      for (let i = 0; i < rigs.length; i++) {
        const rig = rigs[(i + round) % rigs.length] as PresenceRig;
        samples[rig.mode].push(await measurePresence(rig, info));
      }
    }
    await Promise.all(rigs.flatMap((rig) => [...rig.clients, ...rig.servers].map((child) => stopChild(child))));

    const { connections, members, updates, intervalMs } = PRESENCE;
    const of = (mode: PresenceMode, pick: (s: PresenceSample) => number) => samples[mode].map(pick);
    const med = (mode: PresenceMode, pick: (s: PresenceSample) => number) => fixed(median(of(mode, pick)));
    const delivered = (mode: PresenceMode) => {
      const got = samples[mode].reduce((sum, s) => sum + s.received, 0);
      const owed = samples[mode].reduce((sum, s) => sum + s.expected, 0);
      return `${got}/${owed}`;
    };
    const latency = (mode: PresenceMode) => `p50 ${med(mode, (s) => s.p50)} ms, p99 ${med(mode, (s) => s.p99)} ms`;
    const micros = (mode: PresenceMode) => of(mode, (s) => s.micros);
    const kernel = (mode: PresenceMode) => `${Math.round(100 * median(of(mode, (s) => s.kernel)))}%`;
    const perUpdate = (mode: PresenceMode) => fixed((median(micros(mode)) * connections) / 1000);
    return [
      {
        measure: `presence across two instances over Redis vs one: CPU per delivered update, ${members} members, ${connections} subscribers`,
        ours: { value: fixed(median(micros('two'))), unit: 'µs' },
        peer: { name: 'one instance, memory broker', value: fixed(median(micros('one'))), unit: 'µs' },
        target: { kind: 'ratio', op: '<=', value: 1.3 },
        note:
          `Median of ${PRESENCE_ROUNDS} interleaved rounds; ours ${spread(micros('two'))}, peer ${spread(micros('one'))} µs. ` +
          `createRealtime + createWebSocketEndpoint; ${connections} WebSocket subscribers of one channel, ${members} of them present, each updating its ` +
          `data (~120 B: name, colour, cursor) every ${intervalMs} ms, ${updates} times, members taking turns (${(members * 1000) / intervalMs} updates/s, ` +
          `${members * updates * connections} deliveries a run). Two instances: members and subscribers split evenly, so every update reaches half ` +
          `the subscribers through the other instance (announce script: HSET + PUBLISH; the delta parsed and merged there). One instance: all on one, ` +
          `memory broker. Each rig warmed up first with ${PRESENCE_WARM_UP.updates} updates per member, ${PRESENCE_WARM_UP.intervalMs} ms apart. ` +
          `Server CPU (user+system, summed over the instances; Redis not counted) / presence update frames delivered. Per update (to all ` +
          `${connections}): two instances ${perUpdate('two')} ms, one ${perUpdate('one')} ms; kernel (system) share: two ${kernel('two')}, one ${kernel('one')}; ` +
          `event-loop wakes per update (the servers' main threads' voluntary context switches, summed): two ${med('two', (s) => s.wakes)}, ` +
          `one ${med('one', (s) => s.wakes)}. Controls: one instance over Redis (every change announced, nobody to hear it) ` +
          `${med('one-redis', (s) => s.micros)} µs (${spread(micros('one-redis'))}; ${med('one-redis', (s) => s.wakes)} wakes per update); two ` +
          `instances with the memory broker, each with ${members / 2} members and ${connections / 2} subscribers and nothing between them (each update ` +
          `handled by one process, delivered to ${connections / 2}): ${med('split', (s) => s.micros)} µs (${spread(micros('split'))}) per delivery, ` +
          `${fixed((median(micros('split')) * connections) / 2 / 1000)} ms per update, against one instance's ${perUpdate('one')} ms for ${connections} deliveries. ` +
          `A bare timer wake of an idle Node process costs ${fixed(wake)} µs of CPU on this machine. ` +
          `Redis's own CPU per delivery: two instances ${med('two', (s) => s.redisMicros)} µs, one instance over Redis ${med('one-redis', (s) => s.redisMicros)} µs. ` +
          `Update sent → frame received: two instances ${latency('two')}; one instance ${latency('one')}; one over Redis ${latency('one-redis')}. ` +
          `Delivered / expected update frames: two ${delivered('two')}, one ${delivered('one')}, one over Redis ${delivered('one-redis')}, split ${delivered('split')}.`,
      },
    ];
  } finally {
    info.disconnect();
  }
}

export async function run(): Promise<BenchRow[]> {
  const redis = await startRedis(children);
  try {
    const rows = await presence(redis);
    rows.push(...(await rewindRows(children, 'memory', redis)));
    rows.push(...(await rewindRows(children, 'redis', redis)));
    return rows;
  } finally {
    await Promise.all([...children].map((child) => stopChild(child)));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kill = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      kill();
      process.exit(130);
    });
  }
  const rows = await run();
  for (const row of rows) {
    const ratio = row.peer ? ` → ${(row.ours.value / row.peer.value).toFixed(2)}×` : '';
    console.log(
      `${row.measure}: ours ${row.ours.value} ${row.ours.unit}${row.peer ? `, ${row.peer.name} ${row.peer.value} ${row.peer.unit}` : ''}${ratio}\n  ${row.note ?? ''}`,
    );
  }
}
