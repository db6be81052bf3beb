import type { ClusterEvent, Contribution, ContributionChange, ContributionMember } from '@realtime-kit/core';
import type { Redis } from 'ioredis';
import { PRESENCE_TTL_MS } from './cluster-liveness.js';
import { command, isRecord, noop } from './connection.js';
import { announceScript, forgetScript } from './scripts.js';

/** What this instance's presence contributions need. */
export interface ClusterPresenceOptions {
  readonly commands: Redis;
  readonly instanceId: string;
  readonly keys: (channel: string) => { presence: string; pub: string };
  readonly instanceKey: (id: string) => string;
  /** Channels this instance contributes to (kept here, refreshed by the liveness). */
  readonly announced: Set<string>;
  /** Another instance showed up in a snapshot. */
  readonly seen: (instance: string) => void;
}

/** Presence and occupancy between instances: this instance's contributions, and snapshots of the others'. */
export interface ClusterPresence {
  announce(channel: string, change: ContributionChange): Promise<void>;
  snapshot(channel: string): Promise<Contribution[]>;
}

/**
 * A contribution change is one Lua step that updates the channel's presence hash (`{id}|{member}` and `{id}#`
 * fields) and publishes the change on the channel's pub/sub name, in order with its messages; a snapshot reads the
 * hash, leaving out (and deleting) instances that stopped heartbeating.
 */
export function createClusterPresence(options: ClusterPresenceOptions): ClusterPresence {
  const { commands, instanceId, announced } = options;
  /** The last announcement of each channel still on its way. */
  const announcing = new Map<string, Promise<void>>();

  /** Writes one change of this instance's contribution and publishes it, in one Lua step. */
  async function announceNow(channel: string, change: ContributionChange): Promise<void> {
    const { presence, pub } = options.keys(channel);
    const event = {
      t: 'c',
      i: instanceId,
      g: change.generation,
      v: change.version,
      n: change.subscribers,
      u: change.upsert,
      r: change.remove,
      e: change.end,
    };
    const summary = change.end
      ? ''
      : JSON.stringify({ g: change.generation, v: change.version, n: change.subscribers });
    const upserts = (change.upsert ?? []).flatMap((member) => [member.key, JSON.stringify(member)]);
    if (change.end) announced.delete(channel);
    else announced.add(channel);
    await command(commands, `Could not announce presence on "${channel}"`, () =>
      announceScript.run(
        commands,
        [presence],
        [
          instanceId,
          summary,
          PRESENCE_TTL_MS,
          pub,
          `c${JSON.stringify(event)}`,
          change.version === 1 ? '1' : '0',
          upserts.length / 2,
          ...upserts,
          ...(change.remove ?? []),
        ],
      ),
    );
  }

  return {
    announce(channel, change) {
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
      const fields = await command(commands, `Could not read the presence of "${channel}"`, () =>
        commands.hgetall(presence),
      );
      const byInstance = readContributions(fields, instanceId);
      const instances = [...byInstance.keys()];
      if (instances.length === 0) return [];
      const alive = await command(commands, 'Could not check instances', async () => {
        const pipeline = commands.pipeline();
        for (const id of instances) pipeline.exists(options.instanceKey(id));
        return (await pipeline.exec()) ?? [];
      });
      const contributions: Contribution[] = [];
      const dead: string[] = [];
      instances.forEach((instance, index) => {
        const entry = byInstance.get(instance)!;
        if (alive[index]?.[1] !== 1 || !entry.summary) return void dead.push(instance);
        options.seen(instance);
        contributions.push({
          instance,
          generation: entry.summary.g,
          version: entry.summary.v,
          subscribers: entry.summary.n,
          members: entry.members,
        });
      });
      if (dead.length > 0) void forgetScript.run(commands, [presence], dead).catch(noop);
      return contributions;
    },
  };
}

/** The other instances' entries of a presence hash: each one's summary (`{id}#`) and members (`{id}|{member}`). */
function readContributions(fields: Record<string, string>, instanceId: string) {
  const byInstance = new Map<
    string,
    { summary?: { g: string; v: number; n: number }; members: ContributionMember[] }
  >();
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
      if (
        isRecord(parsed) &&
        typeof parsed.g === 'string' &&
        typeof parsed.v === 'number' &&
        typeof parsed.n === 'number'
      ) {
        entry.summary = { g: parsed.g, v: parsed.v, n: parsed.n };
      }
    } else {
      const member = readMember(parsed);
      if (member) entry.members.push(member);
    }
  }
  return byInstance;
}

function readMember(value: unknown): ContributionMember | undefined {
  if (
    !isRecord(value) ||
    typeof value.key !== 'string' ||
    typeof value.connections !== 'number' ||
    typeof value.at !== 'number'
  )
    return undefined;
  const status = value.status === 'idle' || value.status === 'away' ? value.status : 'active';
  return { key: value.key, data: value.data, connections: value.connections, status, at: value.at };
}

/**
 * A cluster event from a channel's pub/sub payload (`c…`): another instance's contribution change or signal;
 * undefined for this instance's own or a malformed one. `seen` learns of every other instance it names.
 */
export function parseClusterEvent(
  text: string,
  instanceId: string,
  seen: (instance: string) => void,
): ClusterEvent | undefined {
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
  if (raw.t !== 'c' || typeof raw.g !== 'string' || typeof raw.v !== 'number' || typeof raw.n !== 'number')
    return undefined;
  const upsert = Array.isArray(raw.u)
    ? raw.u.map(readMember).filter((member): member is ContributionMember => member !== undefined)
    : undefined;
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
}
