/** Messages between the server suite (`bench/suites/server.ts`) and its server and client child processes. */

/** What a server child serves. */
type ServerMode =
  /** Ours: `createNodeEventStream` on the Node response, one `encodeEvent` per broadcast. */
  | 'sse-node'
  /** Ours: `createEventStream(request)` behind a Node ⇄ Fetch adapter (as Next.js serves route handlers). */
  | 'sse-web'
  /** Peer: a hand-written SSE route, one string per broadcast, `res.write` per client. */
  | 'sse-plain'
  /** Peer: Socket.IO, `io.emit` broadcast, websocket transport only. */
  | 'sio'
  /** Ours: `createRealtime` + `createWebSocketEndpoint`, memory broker or Redis. */
  | 'rk-ws';

export interface ServerConfig {
  readonly mode: ServerMode;
  /** rk-ws only: Redis URL; absent → memory broker. */
  readonly redisUrl?: string;
}

/** What a client child speaks. */
export type ClientKind = 'sse' | 'sio' | 'rk';

export interface ClientConfig {
  readonly kind: ClientKind;
  readonly url: string;
  readonly count: number;
}

export type ToServer =
  /** Starts the CPU clock and sends `count` broadcasts, `intervalMs` apart (0: one per event-loop turn). */
  | { readonly type: 'run'; readonly count: number; readonly intervalMs: number }
  /** Stops the CPU clock; answered by `cpu`. */
  | { readonly type: 'stop' }
  /** Collects garbage; answered by `rss`. */
  | { readonly type: 'rss' };

export type FromServer =
  | { readonly type: 'listening'; readonly port: number }
  | {
      readonly type: 'cpu';
      readonly user: number;
      readonly system: number;
      readonly maxQueuedBytes: number;
      readonly publishErrors: number;
    }
  | { readonly type: 'rss'; readonly bytes: number; readonly heapBytes: number };

export type ToClients =
  /** Resets the counters: `done` once every client got `perClient` more messages. */
  { readonly type: 'expect'; readonly perClient: number };

export type FromClients =
  | { readonly type: 'ready' }
  /** The answer to `expect`: the counters are reset. */
  | { readonly type: 'expecting' }
  | {
      readonly type: 'done';
      readonly received: number;
      /** rk only: publish→receive latencies in ms, one per delivery. */
      readonly latencies: readonly number[];
      /** Connections the server closed (1013 slow consumer, or any other close). */
      readonly closes: number;
    };

/** The broadcast payload, a chat line of typical size; `t` is the send time (ms since epoch, sub-ms precision). */
export function payload(n: number): { text: string; n: number; user: string; t: number } {
  return {
    text: 'hello from the benchmark, a chat line of typical size',
    n,
    user: 'ada',
    t: performance.timeOrigin + performance.now(),
  };
}
