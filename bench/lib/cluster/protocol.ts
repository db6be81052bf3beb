/** Messages between the cluster suite (`bench/suites/cluster.ts`) and its server and presence-client child processes. */

export interface ClusterServerConfig {
  /** Redis URL; absent → the memory broker (one instance on its own). */
  readonly redisUrl?: string;
  /**
   * Count what the hub asks of its broker (history, latest, lookup, presence snapshots) and, over Redis, every
   * command sent on the command connection (an ioredis client of the suite's own, passed to `createRealtime`).
   */
  readonly instrument?: boolean;
}

export type ToServer =
  /** Starts the CPU clock; answered by `cpu-started`. */
  | { readonly type: 'cpu-start' }
  /** Answered by `cpu`: CPU time since `cpu-start`. */
  | { readonly type: 'cpu-stop' }
  /** Publishes `count` messages to `channel`, one after another; answered by `seeded`. */
  | { readonly type: 'seed'; readonly channel: string; readonly count: number }
  /** Answered by `counters` (instrumented servers), which then start from zero again. */
  | { readonly type: 'counters' }
  /** Answered by `channels`: how many channels the hub holds state for. */
  | { readonly type: 'channels' };

export type FromServer =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'cpu-started' }
  | {
      readonly type: 'cpu';
      readonly user: number;
      readonly system: number;
      /** Times the main thread went to sleep and was woken (voluntary context switches, Linux); undefined elsewhere. */
      readonly wakes: number | undefined;
    }
  | { readonly type: 'seeded'; readonly head: number }
  | {
      readonly type: 'counters';
      /** Broker calls by kind (`history head`, `history newest`, `history after`, `latest`, `lookup`, `presence snapshot`). */
      readonly reads: Readonly<Record<string, number>>;
      /** Redis commands by kind (heartbeats left out). */
      readonly commands: Readonly<Record<string, number>>;
    }
  | { readonly type: 'channels'; readonly count: number };

export interface PresenceClientsConfig {
  /** The endpoints; connection `i` goes to `urls[i % urls.length]`. */
  readonly urls: readonly string[];
  /** Connections, each subscribed to `channel`. */
  readonly connections: number;
  /** The first `members` connections are also present on the channel (so spread over the endpoints alike). */
  readonly members: number;
  readonly channel: string;
}

export type ToPresenceClients =
  /**
   * Every member updates its data `updates` times, members taking turns `intervalMs / members` apart (each member
   * every `intervalMs`); answered by `running` as the first update leaves and by `done` once every connection has
   * every member's last update of `round`.
   */
  { readonly type: 'run'; readonly round: number; readonly updates: number; readonly intervalMs: number };

export type FromPresenceClients =
  /** Every connection is subscribed and sees every member. */
  | { readonly type: 'ready' }
  | { readonly type: 'running' }
  | {
      readonly type: 'done';
      /** Presence `update` frames of the round that reached the connections. */
      readonly received: number;
      /** members × updates × connections. */
      readonly expected: number;
      /** Update sent → frame received, ms. */
      readonly p50: number;
      readonly p99: number;
    }
  | { readonly type: 'failed'; readonly reason: string };

/** The presence data of one update: a live cursor with a name and colour (~100 B of JSON). */
export interface PresenceUpdate {
  readonly r: number;
  readonly n: number;
  /** Send time, ms since the epoch (sub-ms precision). */
  readonly t: number;
  readonly name: string;
  readonly color: string;
  readonly cursor: { readonly x: number; readonly y: number };
}

export function presenceUpdate(member: number, round: number, n: number): PresenceUpdate {
  return {
    r: round,
    n,
    t: performance.timeOrigin + performance.now(),
    name: `member-${member}`,
    color: '#16a34a',
    cursor: { x: (member * 37 + n * 11) % 1280, y: (member * 53 + n * 7) % 720 },
  };
}
