/**
 * The rewind part of the cluster suite: what `client.channel(name, { rewind: 100 })` adds to a subscribe over a plain
 * one, with the real client (`createRealtimeClient` + `websocketTransport` over `ws`) in this process against a
 * server child: broker calls per subscribe (and, over Redis, the commands on the wire), and the time to `subscribed`.
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createRealtimeClient, type Channel, type RealtimeClient, type RealtimeError } from '@realtime-kit/core';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { stopChild, type Children } from '../children.js';
import type { BenchRedis } from '../redis.js';
import { median, type BenchRow } from '../result.js';
import { ask, fixed, pause, spread, startServer, WAIT_MS } from './rig.js';

const ROUNDS = 3;
/** A feed of 200 stored messages; each measured subscribe asks for the newest 100 (or none). */
const REWIND = { channel: 'feed', seeded: 200, rewind: 100, cycles: 40, warmUp: 10 } as const;

type Counts = Readonly<Record<string, number>>;

interface Counted {
  /** Broker calls per subscribe + unsubscribe, by kind. */
  readonly reads: Counts;
  /** Redis commands per subscribe + unsubscribe, by kind (none with the memory broker). */
  readonly commands: Counts;
}

/** Resolves once `ready()` holds, checking every millisecond, within {@link WAIT_MS}. */
async function until(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await pause(1);
  }
}

/**
 * Subscribes `channel` (its first handler subscribes on the server), times the subscribe until the channel's state
 * says `subscribed`, checks that exactly `expected` stored messages came first, and unsubscribes.
 */
async function cycle(channel: Channel, expected: number, settle: () => Promise<void>): Promise<number> {
  if (channel.getSnapshot().subscribed)
    throw new Error(`"${channel.name}" is still subscribed from the previous cycle`);
  let got = 0;
  let began = 0;
  let off: () => void = () => {};
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      watching();
      reject(new Error(`"${channel.name}" was not subscribed within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const watching = channel.subscribe(() => {
      if (!channel.getSnapshot().subscribed) return;
      clearTimeout(timer);
      watching();
      resolve(performance.now() - began);
    });
    began = performance.now();
    off = channel.subscribe('*', () => (got += 1));
  });
  off();
  if (got !== expected)
    throw new Error(
      `A subscribe to "${channel.name}" delivered ${got} stored messages before "subscribed", expected ${expected}`,
    );
  await settle();
  return ms;
}

function perCycle(counts: Counts, cycles: number): Counts {
  return Object.fromEntries(Object.entries(counts).map(([kind, n]) => [kind, n / cycles]));
}

function total(counts: Counts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function describe(counts: Counts): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([kind, n]) => `${kind} ${fixed(n)}`).join(', ');
}

interface RewindRun {
  readonly counted: { readonly plain: Counted; readonly rewind: Counted };
  /** Per-round medians of the time to `subscribed`, ms. */
  readonly plain: number[];
  readonly rewind: number[];
}

/** Counts (plain cycles, then rewind cycles), then times both interleaved, `rounds` rounds. */
async function rewindRun(
  server: ChildProcess,
  plain: Channel,
  rewinding: Channel,
  rounds: number,
  settle: () => Promise<void>,
): Promise<RewindRun> {
  const { cycles } = REWIND;
  const counters = async (): Promise<Counted> => {
    const { reads, commands } = await ask(server, { type: 'counters' }, 'counters');
    return { reads: perCycle(reads, cycles), commands: perCycle(commands, cycles) };
  };
  await counters();
  for (let i = 0; i < cycles; i++) await cycle(plain, 0, settle);
  const plainCounts = await counters();
  for (let i = 0; i < cycles; i++) await cycle(rewinding, REWIND.rewind, settle);
  const rewindCounts = await counters();
  const run: RewindRun = { counted: { plain: plainCounts, rewind: rewindCounts }, plain: [], rewind: [] };
  for (let round = 0; round < rounds; round++) {
    const times = { plain: [] as number[], rewind: [] as number[] };
    for (let i = 0; i < cycles; i++) {
      // Alternating which goes first, so neither always follows the other's unsubscribe.
      if ((i + round) % 2 === 0) {
        times.plain.push(await cycle(plain, 0, settle));
        times.rewind.push(await cycle(rewinding, REWIND.rewind, settle));
      } else {
        times.rewind.push(await cycle(rewinding, REWIND.rewind, settle));
        times.plain.push(await cycle(plain, 0, settle));
      }
    }
    run.plain.push(median(times.plain));
    run.rewind.push(median(times.rewind));
  }
  return run;
}

async function redisRoundTrip(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    await client.ping();
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const began = performance.now();
      await client.ping();
      times.push(performance.now() - began);
    }
    return median(times);
  } finally {
    client.disconnect();
  }
}

/**
 * The two rewind rows of one broker: extra broker round trips of a rewind-100 subscribe over a plain one (counted in the
 * server), and both subscribes' time to `subscribed` (timed in this process, interleaved).
 */
export async function rewindRows(
  children: Children,
  broker: 'memory' | 'redis',
  redis: BenchRedis,
): Promise<BenchRow[]> {
  const server = await startServer(
    children,
    broker === 'redis' ? { redisUrl: redis.url, instrument: true } : { instrument: true },
  );
  const clients: RealtimeClient[] = [];
  const errors: RealtimeError[] = [];
  try {
    await ask(server.child, { type: 'seed', channel: REWIND.channel, count: REWIND.seeded }, 'seeded');
    const channel = (options?: { rewind: number }) => {
      const transport = websocketTransport({ url: server.url, WebSocket, heartbeat: false });
      transport.onError((error) => errors.push(error));
      const client = createRealtimeClient({ transport });
      client.onError((error) => errors.push(error));
      clients.push(client);
      return client.channel(REWIND.channel, options);
    };
    const anchor = channel();
    const plain = channel();
    const rewinding = channel({ rewind: REWIND.rewind });
    // Warm: another subscriber of this instance keeps the channel followed (its broker subscription and presence).
    const stopAnchor = anchor.subscribe('*', () => {});
    await until(() => anchor.getSnapshot().subscribed, 'the anchor subscriber');
    const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < REWIND.warmUp; i++) {
      await cycle(plain, 0, nextTurn);
      await cycle(rewinding, REWIND.rewind, nextTurn);
    }
    const warm = await rewindRun(server.child, plain, rewinding, ROUNDS, nextTurn);
    // Cold: nobody else on the instance, so every subscribe starts the channel's state afresh (after the previous
    // unsubscribe released it).
    stopAnchor();
    const released = () =>
      until(
        async () => (await ask(server.child, { type: 'channels' }, 'channels')).count === 0,
        'the channel to be released',
      );
    await released();
    const cold = await rewindRun(server.child, plain, rewinding, 1, released);
    if (errors.length > 0)
      throw new Error(`Client errors: ${errors.map((error) => `${error.code}: ${error.message}`).join('; ')}`);

    const extra = (run: RewindRun) => total(run.counted.rewind.reads) - total(run.counted.plain.reads);
    const rtt = broker === 'redis' ? await redisRoundTrip(redis.url) : undefined;
    const label = broker === 'redis' ? 'Redis broker' : 'memory broker';
    const counts = (run: RewindRun) =>
      `broker calls: plain ${describe(run.counted.plain.reads)}; rewind ${describe(run.counted.rewind.reads)}` +
      (broker === 'redis'
        ? `; Redis commands: plain ${describe(run.counted.plain.commands)}; rewind ${describe(run.counted.rewind.commands)}`
        : '');
    const setup =
      `The real client (createRealtimeClient + websocketTransport over ws) against createRealtime({ redis: ${broker === 'redis' ? 'url' : 'false'} }) + ` +
      `createWebSocketEndpoint in another process; a channel with ${REWIND.seeded} stored messages; client.channel(name, { rewind: ${REWIND.rewind} }) ` +
      `vs client.channel(name), each subscribed (first handler), awaited until its state says subscribed (the rewind's ${REWIND.rewind} messages ` +
      `delivered first, checked) and unsubscribed, ${REWIND.cycles} times per round.`;
    const delta = (run: RewindRun) => fixed(median(run.rewind) - median(run.plain));
    return [
      {
        measure: `rewind ${REWIND.rewind} vs plain subscribe: extra broker round trips per subscribe, ${label}`,
        ours: { value: fixed(Math.max(extra(warm), extra(cold))), unit: 'round trips' },
        target: { kind: 'value', op: '<=', value: 1 },
        note:
          `${setup} Broker calls the hub makes per subscribe + unsubscribe (history, latest, lookup, presence snapshots), counted in the server by ` +
          `wrapping realtime.broker; the figure is rewind's total minus plain's, the larger of warm and cold. Warm (another subscriber keeps the ` +
          `channel followed): ${counts(warm)}. Cold (nobody else subscribed; each subscribe starts the channel afresh): ${counts(cold)}.` +
          (broker === 'redis'
            ? ' Redis commands counted on the command connection (heartbeats left out; SUBSCRIBE goes on the pub/sub connection, not counted).'
            : ''),
      },
      {
        measure: `rewind ${REWIND.rewind} vs plain subscribe: time to subscribed, ${label}`,
        ours: { value: fixed(median(warm.rewind)), unit: 'ms' },
        peer: { name: 'plain subscribe (no rewind)', value: fixed(median(warm.plain)), unit: 'ms' },
        note:
          `${setup} Warm channel (another subscriber on the instance), median of ${ROUNDS} rounds of per-round medians, interleaved; rewind ` +
          `${spread(warm.rewind)}, plain ${spread(warm.plain)} ms; rewind adds ${delta(warm)} ms (reading, sending and delivering ${REWIND.rewind} messages). ` +
          `Cold channel (${REWIND.cycles} of each): rewind ${fixed(median(cold.rewind))} ms, plain ${fixed(median(cold.plain))} ms (+${delta(cold)} ms).` +
          (rtt === undefined ? '' : ` Redis PING round trip from a client: ${fixed(rtt)} ms.`),
      },
    ];
  } finally {
    for (const client of clients) client.close();
    await stopChild(server.child);
  }
}
