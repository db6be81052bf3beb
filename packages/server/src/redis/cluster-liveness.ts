import type { Redis } from 'ioredis';
import { command, noop } from './connection.js';

/** A presence hash outlives its last announcement by this long (long-lived contributions are refreshed). */
export const PRESENCE_TTL_MS = 24 * 60 * 60 * 1000;
/** How often the TTLs of this instance's presence hashes are pushed back. */
const PRESENCE_REFRESH_MS = 60 * 60 * 1000;

/** What the liveness of one instance needs. */
export interface ClusterLivenessOptions {
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly instanceId: string;
  readonly heartbeatMs: number;
  /** `{prefix}:instance:{id}`: the key whose presence says an instance is alive. */
  readonly instanceKey: (id: string) => string;
  /** The presence hash of a channel, whose TTL this instance keeps pushing back while it contributes. */
  readonly presenceKey: (channel: string) => string;
  /** Channels this instance contributes to. */
  readonly announced: ReadonlySet<string>;
  /** Instances stopped heartbeating: their members leave. */
  readonly onDown: (instances: string[]) => void;
  /** Back after an outage: pub/sub lost what was published meanwhile, and announcements made meanwhile failed. */
  readonly onResync: () => void;
  readonly isClosed: () => boolean;
}

/** This instance's heartbeat, and the check of the others'. */
export interface ClusterLiveness {
  /** Another instance showed up (an event or a snapshot named it): it is checked from now on. */
  seen(instance: string): void;
  stop(): void;
}

/**
 * Each instance heartbeats `{prefix}:instance:{id}` (TTL two heartbeats and a second); an instance whose key is
 * missing at two checks in a row is reported down (within four heartbeats and a second of its death: 21 s with the
 * default 5 s).
 */
export function startClusterLiveness(options: ClusterLivenessOptions): ClusterLiveness {
  const { commands, subscriber, instanceId, heartbeatMs, instanceKey } = options;
  /** Other instances seen lately, and how many checks in a row found them silent. */
  const known = new Map<string, number>();
  let lastRefresh = Date.now();

  async function beat() {
    try {
      await command(commands, 'Could not heartbeat', () =>
        commands.set(instanceKey(instanceId), '1', 'PX', heartbeatMs * 2 + 1000),
      );
    } catch {
      return; // Redis is down: the others cannot see us either; nothing to check now.
    }
    if (known.size > 0) await check();
    if (Date.now() - lastRefresh >= PRESENCE_REFRESH_MS) {
      lastRefresh = Date.now();
      const pipeline = commands.pipeline();
      for (const channel of options.announced) pipeline.pexpire(options.presenceKey(channel), PRESENCE_TTL_MS);
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
    if (down.length > 0) options.onDown(down);
  }

  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  void beat();

  // Back after an outage (either connection): pub/sub lost what was published meanwhile, Redis may have lost its data,
  // and announcements made while the command connection was down failed. Announce again, look again.
  const onReady = (connection: { wasReady: boolean }) => () => {
    if (options.isClosed()) return;
    if (connection.wasReady) {
      void beat();
      options.onResync();
    }
    connection.wasReady = true;
  };
  subscriber.on('ready', onReady({ wasReady: subscriber.status === 'ready' }));
  commands.on('ready', onReady({ wasReady: commands.status === 'ready' }));

  return {
    seen(instance) {
      if (instance !== instanceId && !known.has(instance)) known.set(instance, 0);
    },
    stop: () => clearInterval(timer),
  };
}
