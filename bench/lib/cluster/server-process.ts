/**
 * A server child of the cluster suite: `createRealtime` (memory broker, or Redis) + `createWebSocketEndpoint` on
 * 127.0.0.1. Reports its own CPU time (process.cpuUsage), so client work (in other processes) is never counted;
 * instrumented, it counts what the hub asks of its broker and the Redis commands that go out.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { ChannelBroker, HistoryQuery } from '@realtime-kit/core';
import { createRealtime, createWebSocketEndpoint } from '@realtime-kit/server';
import type { ClusterServerConfig, FromServer, ToServer } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ClusterServerConfig;

function reply(message: FromServer) {
  process.send?.(message);
}

const reads = new Map<string, number>();
const commands = new Map<string, number>();

function count(into: Map<string, number>, kind: string) {
  into.set(kind, (into.get(kind) ?? 0) + 1);
}

/** A Redis command as the counters name it; undefined for heartbeats (not part of any request). */
function commandKind(name: string, args: readonly unknown[]): string | undefined {
  const script = name === 'evalsha' || name === 'eval';
  const key = String((script ? args[2] : args[0]) ?? '');
  if (key.includes(':instance:')) return undefined;
  if (!script) return name;
  // The broker's scripts, told apart by their first key: `…:seq` is the history (or publish) script, `…:presence` the
  // presence announcement.
  const suffix = key.slice(key.lastIndexOf(':') + 1);
  return suffix === 'seq'
    ? 'history script'
    : suffix === 'presence'
      ? 'presence announce script'
      : `${name} …:${suffix}`;
}

/** An ioredis client whose every command (pipelined ones included) is counted. */
function countingRedis(url: string): Redis {
  const client = new Redis(url);
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, stream) => {
    const kind = commandKind(command.name.toLowerCase(), command.args);
    if (kind !== undefined) count(commands, kind);
    return send(command, stream);
  };
  return client;
}

function historyKind(query: HistoryQuery): string {
  const { after, limit } = typeof query === 'number' ? { after: query, limit: undefined } : query;
  return after !== undefined ? 'history after' : limit === 0 ? 'history head' : 'history newest';
}

/** Counts the broker calls a subscribe may wait on, by kind. */
function countReads(broker: ChannelBroker) {
  const history = broker.history.bind(broker);
  broker.history = (channel, query) => {
    count(reads, historyKind(query));
    return history(channel, query);
  };
  const latest = broker.latest.bind(broker);
  broker.latest = (channel, event) => {
    count(reads, 'latest');
    return latest(channel, event);
  };
  const lookup = broker.lookup.bind(broker);
  broker.lookup = (channel, cid) => {
    count(reads, 'lookup');
    return lookup(channel, cid);
  };
  const { cluster } = broker;
  if (cluster) {
    const snapshot = cluster.snapshot.bind(cluster);
    cluster.snapshot = (channel) => {
      count(reads, 'presence snapshot');
      return snapshot(channel);
    };
  }
}

const redis =
  config.redisUrl === undefined ? false : config.instrument ? countingRedis(config.redisUrl) : config.redisUrl;
// No rate limits: the suite measures the hub, and a subscribe limiter over Redis would add the same call to every subscribe.
const realtime = await createRealtime({ redis, rateLimit: false, subscribeLimit: false });
if (config.instrument) countReads(realtime.broker);

const server = createServer((_request, response) => response.writeHead(404).end());
createWebSocketEndpoint({ server, path: '/realtime', realtime });

let cpuStart: NodeJS.CpuUsage | undefined;
let wakesStart: number | undefined;

/** The main thread's voluntary context switches so far: each is one sleep of the event loop (Linux /proc only). */
function voluntarySwitches(): number | undefined {
  try {
    const match = /^voluntary_ctxt_switches:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function seed(channel: string, total: number) {
  let head = 0;
  for (let n = 0; n < total; n++) {
    const stored = await realtime.publish(channel, 'item', {
      n,
      text: 'an item of the feed, about as long as a chat line',
    });
    head = stored.seq;
  }
  reply({ type: 'seeded', head });
}

process.on('message', (message: ToServer) => {
  switch (message.type) {
    case 'cpu-start':
      wakesStart = voluntarySwitches();
      cpuStart = process.cpuUsage();
      return reply({ type: 'cpu-started' });
    case 'cpu-stop': {
      const used = process.cpuUsage(cpuStart);
      const wakes = voluntarySwitches();
      return reply({
        type: 'cpu',
        user: used.user,
        system: used.system,
        wakes: wakes === undefined || wakesStart === undefined ? undefined : wakes - wakesStart,
      });
    }
    case 'seed':
      return void seed(message.channel, message.count);
    case 'counters':
      reply({ type: 'counters', reads: Object.fromEntries(reads), commands: Object.fromEntries(commands) });
      reads.clear();
      commands.clear();
      return;
    case 'channels':
      return reply({ type: 'channels', count: realtime.hub.channels });
  }
});
// Orphaned (the suite died): exit rather than linger.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', 1024, () => reply({ type: 'listening', port: (server.address() as AddressInfo).port }));
