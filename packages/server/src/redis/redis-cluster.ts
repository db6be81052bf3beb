import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  emitToListeners,
  RealtimeError,
  type BrokerCluster,
  type ClusterEvent,
  type ClusterNotice,
  type Contribution,
  type ContributionChange,
  type ContributionMember,
} from '@realtime-kit/core';
import { command, isRecord, noop, unavailable } from './connection.js';
import { announceScript, forgetScript } from './scripts.js';

/** The cluster side of a Redis broker (see {@link createRedisCluster}). */
export interface RedisCluster extends BrokerCluster {
  /** Reads a cluster event from a channel's pub/sub payload (`c…`); undefined for this instance's own or a malformed one. */
  parse(text: string): ClusterEvent | undefined;
  /** Stops the heartbeat and answers no more requests. */
  close(): Promise<void>;
}

export interface RedisClusterOptions {
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly prefix: string;
  /** Default {@link DEFAULT_HEARTBEAT_MS}. */
  readonly heartbeatMs?: number;
  readonly keys: (channel: string) => { presence: string; pub: string };
}

/** Default interval of an instance's heartbeat (and of its checks of the others). */
export const DEFAULT_HEARTBEAT_MS = 5000;
/** A presence hash outlives its last announcement by this long (long-lived contributions are refreshed). */
const PRESENCE_TTL_MS = 24 * 60 * 60 * 1000;
/** How often the TTLs of this instance's presence hashes are pushed back. */
const PRESENCE_REFRESH_MS = 60 * 60 * 1000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Presence, occupancy, signals and session routing between instances over Redis:
 * - each instance heartbeats `{prefix}:instance:{id}` (TTL two heartbeats and a second); an instance whose key is
 *   missing at two checks in a row is reported `down` (within four heartbeats and a second of its death: 21 s with the
 *   default 5 s), so its members leave;
 * - a contribution change is one Lua step that updates the channel's presence hash (`{id}|{member}` and `{id}#`
 *   fields) and publishes the change on the channel's pub/sub name, in order with its messages;
 * - a snapshot reads the hash, leaving out (and deleting) instances that stopped heartbeating;
 * - requests to an instance go to its inbox (`{prefix}:inbox:{id}`) and come back to the sender's.
 */
export function createRedisCluster(options: RedisClusterOptions): RedisCluster {
  const { commands, subscriber, prefix } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 10) throw new RangeError(`createRedisBroker: heartbeatMs must be at least 10 (got ${String(heartbeatMs)}).`);
  const instanceId = randomUUID().replace(/-/g, '').slice(0, 16);
  const instanceKey = (id: string) => `${prefix}:instance:${id}`;
  const inboxName = (id: string) => `${prefix}:inbox:${id}`;
  const notices = new Set<(notice: ClusterNotice) => void>();
  /** Other instances seen lately, and how many checks in a row found them silent. */
  const known = new Map<string, number>();
  /** Channels this instance contributes to, for the TTL refresh. */
  const announced = new Set<string>();
  const pending = new Map<string, Pending>();
  /** The last announcement of each channel still on its way. */
  const announcing = new Map<string, Promise<void>>();
  let handler: ((body: unknown) => Promise<unknown>) | undefined;
  let inbox: Promise<void> | undefined;
  let closed = false;
  let lastRefresh = Date.now();

  function notify(notice: ClusterNotice) {
    emitToListeners(notices, notice);
  }

  async function beat() {
    try {
      await command(commands, 'Could not heartbeat', () => commands.set(instanceKey(instanceId), '1', 'PX', heartbeatMs * 2 + 1000));
    } catch {
      return; // Redis is down: the others cannot see us either; nothing to check now.
    }
    if (known.size > 0) await check();
    if (Date.now() - lastRefresh >= PRESENCE_REFRESH_MS) {
      lastRefresh = Date.now();
      const pipeline = commands.pipeline();
      for (const channel of announced) pipeline.pexpire(options.keys(channel).presence, PRESENCE_TTL_MS);
      await pipeline.exec().catch(noop);
    }
  }

  async function check() {
    const ids = [...known.keys()];
    const pipeline = commands.pipeline();
    for (const id of ids) pipeline.exists(instanceKey(id));
    const results = await pipeline.exec().catch(() => null);
    if (!results) return;
    const down: string[] = [];
    ids.forEach((id, index) => {
      const [error, exists] = results[index] ?? [null, 1];
      if (error || exists === 1) return void (known.has(id) && known.set(id, 0));
      const misses = (known.get(id) ?? 0) + 1;
      if (misses >= 2) {
        known.delete(id);
        down.push(id);
      } else known.set(id, misses);
    });
    if (down.length > 0) notify({ type: 'down', instances: down });
  }

  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  void beat();

  // Back after an outage (either connection): pub/sub lost what was published meanwhile, Redis may have lost its data,
  // and announcements made while the command connection was down failed. Announce again, look again.
  const onReady = (connection: { wasReady: boolean }) => () => {
    if (closed) return;
    if (connection.wasReady) {
      void beat();
      notify({ type: 'resync' });
    }
    connection.wasReady = true;
  };
  const subscriberState = { wasReady: subscriber.status === 'ready' };
  const commandsState = { wasReady: commands.status === 'ready' };
  subscriber.on('ready', onReady(subscriberState));
  commands.on('ready', onReady(commandsState));

  subscriber.on('message', (name: string, text: string) => {
    if (name !== inboxName(instanceId)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (!isRecord(parsed) || typeof parsed.id !== 'string') return;
    if (parsed.k === 'r') {
      const waiting = pending.get(parsed.id);
      if (!waiting) return;
      pending.delete(parsed.id);
      clearTimeout(waiting.timer);
      if (typeof parsed.error === 'string') waiting.reject(new RealtimeError('unavailable', parsed.error));
      else waiting.resolve(parsed.body);
      return;
    }
    if (parsed.k !== 'q' || typeof parsed.from !== 'string' || !handler) return;
    const { id, from, body } = parsed;
    const answer = (reply: Record<string, unknown>) =>
      void commands.publish(inboxName(from), JSON.stringify({ k: 'r', id, ...reply })).catch(noop);
    handler(body).then(
      (result) => answer({ body: result }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });

  function listenToInbox(): Promise<void> {
    inbox ??= command(subscriber, 'Could not open this instance inbox', async () => {
      await subscriber.subscribe(inboxName(instanceId));
    }).catch((error: unknown) => {
      inbox = undefined;
      throw error;
    });
    return inbox;
  }

  function seen(instance: string) {
    if (instance !== instanceId && !known.has(instance)) known.set(instance, 0);
  }

  function readMember(value: unknown): ContributionMember | undefined {
    if (!isRecord(value) || typeof value.key !== 'string' || typeof value.connections !== 'number' || typeof value.at !== 'number') return undefined;
    const status = value.status === 'idle' || value.status === 'away' ? value.status : 'active';
    return { key: value.key, data: value.data, connections: value.connections, status, at: value.at };
  }

  /** Writes one change of this instance's contribution and publishes it, in one Lua step. */
  async function announceNow(channel: string, change: ContributionChange): Promise<void> {
    const { presence, pub } = options.keys(channel);
    const event = { t: 'c', i: instanceId, g: change.generation, v: change.version, n: change.subscribers, u: change.upsert, r: change.remove, e: change.end };
    const summary = change.end ? '' : JSON.stringify({ g: change.generation, v: change.version, n: change.subscribers });
    const upserts = (change.upsert ?? []).flatMap((member) => [member.key, JSON.stringify(member)]);
    if (change.end) announced.delete(channel);
    else announced.add(channel);
    await command(commands, `Could not announce presence on "${channel}"`, () =>
      announceScript.run(
        commands,
        [presence],
        [instanceId, summary, PRESENCE_TTL_MS, pub, `c${JSON.stringify(event)}`, change.version === 1 ? '1' : '0', upserts.length / 2, ...upserts, ...(change.remove ?? [])],
      ),
    );
  }

  return {
    instanceId,

    announce(channel, change: ContributionChange) {
      // One channel's announcements reach Redis in order (a script's first run, retried after NOSCRIPT, could let a
      // later one overtake it): each waits for the one before.
      const previous = announcing.get(channel) ?? Promise.resolve();
      const next = previous.then(() => announceNow(channel, change));
      const tail = next.then(noop, noop);
      announcing.set(channel, tail);
      void tail.then(() => {
        if (announcing.get(channel) === tail) announcing.delete(channel);
      });
      return next;
    },

    async snapshot(channel) {
      const { presence } = options.keys(channel);
      const fields = await command(commands, `Could not read the presence of "${channel}"`, () => commands.hgetall(presence));
      const byInstance = new Map<string, { summary?: { g: string; v: number; n: number }; members: ContributionMember[] }>();
      for (const [field, value] of Object.entries(fields)) {
        const hash = field.endsWith('#') ? field.length - 1 : -1;
        const bar = field.indexOf('|');
        const instance = hash >= 0 ? field.slice(0, hash) : bar > 0 ? field.slice(0, bar) : undefined;
        if (instance === undefined || instance === instanceId) continue;
        const entry = byInstance.get(instance) ?? { members: [] };
        byInstance.set(instance, entry);
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          continue;
        }
        if (hash >= 0) {
          if (isRecord(parsed) && typeof parsed.g === 'string' && typeof parsed.v === 'number' && typeof parsed.n === 'number') {
            entry.summary = { g: parsed.g, v: parsed.v, n: parsed.n };
          }
        } else {
          const member = readMember(parsed);
          if (member) entry.members.push(member);
        }
      }
      const instances = [...byInstance.keys()];
      if (instances.length === 0) return [];
      const alive = await command(commands, 'Could not check instances', async () => {
        const pipeline = commands.pipeline();
        for (const id of instances) pipeline.exists(instanceKey(id));
        return (await pipeline.exec()) ?? [];
      });
      const contributions: Contribution[] = [];
      const dead: string[] = [];
      instances.forEach((instance, index) => {
        const entry = byInstance.get(instance)!;
        if (alive[index]?.[1] !== 1 || !entry.summary) return void dead.push(instance);
        seen(instance);
        contributions.push({ instance, generation: entry.summary.g, version: entry.summary.v, subscribers: entry.summary.n, members: entry.members });
      });
      if (dead.length > 0) void forgetScript.run(commands, [presence], dead).catch(noop);
      return contributions;
    },

    signal(channel, signal) {
      const { pub } = options.keys(channel);
      const payload = `c${JSON.stringify({ t: 's', i: instanceId, ev: signal.event, d: signal.data, f: signal.from })}`;
      commands.publish(pub, payload).catch(noop);
    },

    parse(text) {
      if (!text.startsWith('c')) return undefined;
      let raw: unknown;
      try {
        raw = JSON.parse(text.slice(1));
      } catch {
        return undefined;
      }
      if (!isRecord(raw) || typeof raw.i !== 'string' || raw.i === instanceId) return undefined;
      seen(raw.i);
      if (raw.t === 's' && typeof raw.ev === 'string' && typeof raw.f === 'string') {
        return { type: 'signal', instance: raw.i, event: raw.ev, data: raw.d, from: raw.f };
      }
      if (raw.t !== 'c' || typeof raw.g !== 'string' || typeof raw.v !== 'number' || typeof raw.n !== 'number') return undefined;
      const upsert = Array.isArray(raw.u) ? raw.u.map(readMember).filter((member): member is ContributionMember => member !== undefined) : undefined;
      const remove = Array.isArray(raw.r) ? raw.r.filter((key): key is string => typeof key === 'string') : undefined;
      return {
        type: 'contribution',
        instance: raw.i,
        generation: raw.g,
        version: raw.v,
        subscribers: raw.n,
        ...(upsert ? { upsert } : {}),
        ...(remove ? { remove } : {}),
        ...(raw.e === true ? { end: true } : {}),
      };
    },

    onNotice(listener) {
      const entry = (notice: ClusterNotice) => listener(notice);
      notices.add(entry);
      return () => void notices.delete(entry);
    },

    async request(instance, body, timeoutMs) {
      if (closed) throw new RealtimeError('closed', 'The Redis broker is closed.');
      await listenToInbox();
      const id = randomUUID();
      const answer = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new RealtimeError('unavailable', `Instance ${instance} did not answer within ${timeoutMs} ms (it may be gone).`, { retryable: true }));
        }, timeoutMs);
        timer.unref?.();
        pending.set(id, { resolve, reject, timer });
      });
      answer.catch(noop);
      let receivers: number;
      try {
        receivers = await command(commands, 'Could not reach another instance', () =>
          commands.publish(inboxName(instance), JSON.stringify({ k: 'q', id, from: instanceId, body })),
        );
      } catch (error) {
        const waiting = pending.get(id);
        if (waiting) clearTimeout(waiting.timer);
        pending.delete(id);
        throw error;
      }
      if (receivers === 0) {
        // Nobody listens on that inbox: the instance is gone. Fail now instead of at the timeout.
        const waiting = pending.get(id);
        if (waiting) clearTimeout(waiting.timer);
        pending.delete(id);
        throw unavailable(`Could not reach instance ${instance}`, new Error('no instance with that id is listening'));
      }
      return answer;
    },

    onRequest(next) {
      handler = next;
      void listenToInbox().catch(noop);
      return () => {
        if (handler === next) handler = undefined;
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new RealtimeError('closed', 'The Redis broker closed before the instance answered.'));
        pending.delete(id);
      }
      // A clean exit: the others may drop our members at their next checks instead of waiting for the key to expire.
      if (commands.status === 'ready') await commands.del(instanceKey(instanceId)).catch(noop);
    },
  };
}
