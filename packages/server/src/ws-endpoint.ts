import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { httpStatusOf } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, HubReceipt } from '@realtime-kit/core';
import { WebSocketServer } from 'ws';
import type { AuthenticationResult } from './auth/result.js';
import { createAdmission, type AdmissionRefusal } from './endpoint/admission.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './endpoint/limits.js';
import type { ServerEventListener } from './events.js';
import type { Realtime } from './realtime.js';
import { SERVER_CLOSE_CODES } from './server-close-codes.js';
import {
  perMessageDeflateOptions,
  resolveCompression,
  windowBitsRecorder,
  type WebSocketCompressionOptions,
} from './ws-compression.js';
import { openWebSocketSession, type WebSocketEndpointContext } from './ws-session.js';
import { wantsCompactFrames } from './compact-session.js';
import { createInboundPacer } from './ws-inbound.js';
import { createFrameWriter, DEFAULT_FANOUT_BUDGET_MS, DEFAULT_WS_COALESCE_MS } from './ws-writer.js';

export { DEFAULT_COMPRESSION_LEVEL, DEFAULT_COMPRESSION_THRESHOLD } from './ws-compression.js';
export type { WebSocketCompressionOptions } from './ws-compression.js';
export { DEFAULT_FANOUT_BUDGET_MS, DEFAULT_WS_COALESCE_MS } from './ws-writer.js';
export { DEFAULT_MAX_MESSAGE_BYTES } from './endpoint/limits.js';
/** Default interval of WebSocket-level pings; a client that has not answered the previous one is dropped. */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
/** Default bytes that may wait in one client's send buffer before it is dropped as a slow consumer (1 MiB). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long `close()` waits for clients to acknowledge the close before cutting their sockets. */
const CLOSE_GRACE_MS = 2000;

/** Options for {@link createWebSocketEndpoint}. */
export interface WebSocketEndpointOptions {
  /** Attach to this server's `upgrade` event. Without it, call `endpoint.handleUpgrade` from your own handler. */
  server?: HttpServer | HttpsServer;
  /** With `server`: only upgrade requests for this pathname (e.g. `'/realtime'`); others are left to other listeners. Default: every path. */
  path?: string;
  /**
   * The shared state and rules of `createRealtime` (broker, channel authorization, rate limits, schemas, audit).
   * Its hub is used and its `onEvent` gets this endpoint's connects, disconnects and auth failures too.
   */
  realtime?: Realtime;
  /** The channel hub that holds logs, subscriptions and presence. Default `realtime.hub`, else a new `createChannelHub()`. */
  hub?: ChannelHub<ChannelBroker>;
  /**
   * Checks the `?token=` query parameter (null when absent) on every connection. Return the user, or null to
   * refuse: the socket is then closed with 4401 (`CLOSE_CODES.UNAUTHORIZED`) and the client asks `auth` for a
   * fresh token. A user's `expiresAt` closes the connection with 4401 then. Without it, every connection is anonymous.
   */
  authenticate?: (
    token: string | null,
    request: IncomingMessage,
  ) => Promise<AuthenticationResult> | AuthenticationResult;
  /**
   * Whether a browser page from `origin` (null for non-browser clients) may connect. Refused connections (a throw
   * too) are accepted and closed at once with 1008 (`policy_violation` on the client, which does not retry). Default: any.
   */
  checkOrigin?: (origin: string | null) => boolean;
  /** Audit trail: connect, disconnect, auth failure, refused input. Default `realtime.onEvent`'s reporter, if any. */
  onEvent?: ServerEventListener;
  /** Larger messages are refused with a `message_too_large` error frame; the connection stays up. Default 64 KiB. */
  maxMessageBytes?: number;
  /** WebSocket ping interval for detecting dead clients; `false` turns it off. Default 30 000. */
  pingIntervalMs?: number | false;
  /**
   * A client whose unsent bytes (what the kernel has not taken, plus frames waiting for the end of the turn) pass this
   * is closed with 1013 (it reconnects and resumes). Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Write coalescing. The frames a socket is sent during one event-loop turn (a broadcast loop, a round of reads that
   * each fan out, a replay) go out together as one write at the end of the turn, each still its own WebSocket
   * message: under load that is one write per socket instead of one per frame and socket. Default
   * {@link DEFAULT_WS_COALESCE_MS} (0: the end of the turn, no timer, no added latency on a quiet server); a number
   * holds frames up to that many milliseconds; `false` writes every frame as it is sent.
   *
   * Measured (`pnpm bench fanout`, 100 subscribers, bursts of 50 publishes per turn): ~1 µs of server CPU per
   * delivery coalesced against ~8 µs with `false` (and ~8 µs for Socket.IO's `io.emit`); one publish per turn costs
   * the same either way.
   */
  coalesceMs?: number | false;
  /**
   * The fan-out budget of one event-loop turn, in milliseconds. Client frames are handled (and fanned out by the hub to
   * their channel's subscribers) until a turn has spent this long on them; later ones wait for the next turn, in
   * order per socket, and a socket with many waiting is not read until they are handled (TCP holds the rest). Queued
   * frames are written in slices of the same length. Timers, pings and other I/O run in between, so a storm delays
   * the event loop by a few budgets instead of stalling it for the whole fan-out. Default
   * {@link DEFAULT_FANOUT_BUDGET_MS}.
   */
  fanoutBudgetMs?: number;
  /**
   * Ends each connection after this long with 1012 (service restart): the client reconnects at once and resumes,
   * nothing lost. For hosts that cut long connections (a load balancer's idle or age limit); default: never.
   */
  maxDurationMs?: number;
  /** Failures that are not the client's fault (a throwing `authenticate` or hub). Default `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * permessage-deflate (RFC 7692) for frames of at least `threshold` bytes (default 1024), with clients that offer it
   * (browsers do); smaller frames, and clients that do not offer it, get plain frames. Off by default (as in `ws` and
   * Socket.IO): `true` turns it on with {@link DEFAULT_COMPRESSION_THRESHOLD} and zlib level 6.
   *
   * Each frame is deflated once, however many subscribers it goes to: the endpoint declares
   * `server_no_context_takeover`, so every client gets the same compressed bytes and no connection keeps a
   * compressor. Measured (`pnpm bench compression`, 50 subscribers): 2 KB and 20 KB JSON frames cross the wire at
   * 0.32× and 0.23× their size, for server CPU per delivery within ~20% of no compression; 150-byte chat lines are
   * untouched. Socket.IO's `perMessageDeflate` (a compressor per socket, with context takeover) makes smaller frames
   * (374 B and 3 984 B where ours are 678 B and 4 565 B; chat lines 43 B) at 8–17× our CPU per delivery and ~350
   * KiB of server memory per connection.
   *
   * The costs, and why it is opt-in: one synchronous deflate per large frame (~50 µs for 2 KB, ~250 µs for 20 KB),
   * paid per delivery when a channel has one subscriber; ~17 KiB more server memory per connection whose client
   * compresses what it sends (browsers do, and `ws` keeps an inflater for it). Turn it on when frames are large
   * (snapshots, documents, dashboards); with many connections and only small messages it saves nothing.
   *
   * ```ts
   * createWebSocketEndpoint({ server, compression: true })                          // threshold 1 KiB, level 6
   * createWebSocketEndpoint({ server, compression: { threshold: 4096, level: 1 } }) // your trade-off
   * ```
   */
  compression?: boolean | WebSocketCompressionOptions;
  /**
   * Answer clients that ask for the compact frame encoding (`?encoding=compact`, `compactFrames` in
   * `@realtime-kit/core`) with it: about 90 B less per message (PROTOCOL.md, "Compact frames"). Clients that do not
   * ask get plain JSON frames either way. Default true; `false` answers every client with plain JSON frames.
   */
  compactFrames?: boolean;
}

/** A running endpoint: see {@link createWebSocketEndpoint}. */
export interface WebSocketEndpoint {
  readonly hub: ChannelHub<ChannelBroker>;
  /** Open client connections. */
  readonly clients: number;
  /** Takes over one upgrade request (for custom servers that route upgrades themselves). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Publishes from the server (a Server Action, a job): stored in the channel's log and sent to subscribers. */
  publish(channel: string, event: string, data: unknown, options?: { cid?: string }): Promise<HubReceipt>;
  /**
   * Graceful shutdown: stops accepting, closes every client with 1012 (service restart, so they reconnect
   * elsewhere and resume) and resolves once they are gone. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * The server side of `websocketTransport`: speaks realtime-kit's channel protocol over `ws`, through a hub.
 *
 * ```ts
 * const server = http.createServer(app)
 * const realtime = createWebSocketEndpoint({ server, path: '/realtime', authenticate: (token) => verifyJwt(token) })
 * server.listen(3000)
 * await realtime.publish('room:42', 'message', { text: 'hi' })
 * ```
 *
 * Bad input never costs the connection: malformed frames get a `bad_frame` error frame, oversized ones
 * `message_too_large` (messages past 16 × `maxMessageBytes`, at least 1 MiB, are cut by `ws` with 1009 so one
 * client cannot make the server buffer without bound).
 *
 * @throws {RangeError} when a size or interval option is out of range.
 */
export function createWebSocketEndpoint(options: WebSocketEndpointOptions = {}): WebSocketEndpoint {
  const maxMessageBytes = positive(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, 'maxMessageBytes');
  const maxBufferedBytes = positive(options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES, 'maxBufferedBytes');
  const pingIntervalMs =
    options.pingIntervalMs === false
      ? 0
      : positive(options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS, 'pingIntervalMs');
  const compression = resolveCompression(options.compression);
  const maxDurationMs =
    options.maxDurationMs === undefined ? undefined : positive(options.maxDurationMs, 'maxDurationMs');
  const coalesceMs =
    options.coalesceMs === false ? false : nonNegative(options.coalesceMs ?? DEFAULT_WS_COALESCE_MS, 'coalesceMs');
  const fanoutBudgetMs = positive(options.fanoutBudgetMs ?? DEFAULT_FANOUT_BUDGET_MS, 'fanoutBudgetMs');
  const admission = createAdmission(options, 'WebSocket endpoint');
  const { hub } = admission;
  const { server, path, authenticate } = options;
  let closing: Promise<void> | undefined;
  const context: WebSocketEndpointContext = {
    admission,
    writer: createFrameWriter({ coalesceMs, sliceMs: fanoutBudgetMs, maxBufferedBytes, compression }),
    pacer: createInboundPacer({ sliceMs: fanoutBudgetMs }),
    maxMessageBytes,
    maxDurationMs,
    clients: new Map(),
    alive: new WeakSet(),
    inFlight: new Set(),
    closing: () => closing !== undefined,
  };
  const { clients, alive } = context;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.max(16 * maxMessageBytes, 1024 * 1024),
    clientTracking: false,
    perMessageDeflate: compression ? perMessageDeflateOptions(compression) : false,
  });
  const windows = windowBitsRecorder();
  if (compression) wss.on('headers', windows.record);

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (path !== undefined && pathname(request) !== path) return;
    handleUpgrade(request, socket, head);
  };
  server?.on('upgrade', onUpgrade);

  const pinger =
    pingIntervalMs > 0
      ? setInterval(() => {
          for (const ws of clients.keys()) {
            if (!alive.has(ws)) {
              ws.terminate();
              continue;
            }
            alive.delete(ws);
            ws.ping();
          }
        }, pingIntervalMs)
      : undefined;
  pinger?.unref();

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    if (closing) return refuseUpgrade(socket, 'unavailable');
    // Until ws owns the socket, a reset during `authenticate` must not become an uncaught 'error'.
    const ignore = () => {};
    socket.on('error', ignore);
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    const admitted = admission.admit(headerValue(request.headers.origin), {
      transport: 'websocket',
      authenticate: authenticate && (() => authenticate(token, request)),
      refusal: token === null ? 'no token' : 'token refused',
    });
    void admitted.then((verdict) => {
      if (closing || socket.destroyed) return void socket.destroy();
      wss.handleUpgrade(request, socket, head, (ws) => {
        socket.off('error', ignore);
        const windowBits = windows.take(request);
        const compact = wantsCompactFrames(request.url, options.compactFrames);
        if (verdict.ok) return openWebSocketSession(context, ws, verdict.user, socket, { windowBits, compact });
        const [code, reason] = closeFor(verdict);
        ws.close(code, reason);
      });
    });
  }

  return {
    hub,
    get clients() {
      return clients.size;
    },
    handleUpgrade,
    publish: async (channel, event, data, publishOptions) => hub.publish(channel, event, data, publishOptions),
    close() {
      closing ??= (async () => {
        server?.off('upgrade', onUpgrade);
        if (pinger) clearInterval(pinger);
        // Let frames already being handled finish, so every publish that was stored is also acked (bounded).
        await Promise.race([Promise.allSettled([...context.inFlight]), delay(CLOSE_GRACE_MS)]);
        const gone = [...clients].map(
          ([ws, output]) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              // What was sent before (acks of the frames just handled) goes out ahead of the close frame.
              output.close(SERVER_CLOSE_CODES.SERVICE_RESTART, 'server shutting down');
            }),
        );
        const cut = setTimeout(() => clients.forEach((_output, ws) => ws.terminate()), CLOSE_GRACE_MS);
        await Promise.all(gone);
        clearTimeout(cut);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/**
 * The close of a refused connection. The reason of a 4401 is the code, so a client can tell an expired token from a
 * missing one; a refused origin stops the client (1008); a throwing `authenticate` is the server's failure (1011).
 */
function closeFor(refusal: AdmissionRefusal): [code: number, reason: string] {
  if (refusal.code === 'server_error') return [SERVER_CLOSE_CODES.INTERNAL_ERROR, 'authentication failed'];
  if (refusal.code === 'forbidden')
    return [SERVER_CLOSE_CODES.POLICY_VIOLATION, refusal.check === 'origin' ? 'origin not allowed' : 'forbidden'];
  return [SERVER_CLOSE_CODES.UNAUTHORIZED, refusal.code];
}

/** Refuses an upgrade before it is one: a bare HTTP answer with core's status for `code`. */
function refuseUpgrade(socket: Duplex, code: 'unavailable') {
  const status = httpStatusOf(code);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function pathname(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative, finite number; got ${String(value)}.`);
  return value;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive, finite number; got ${String(value)}.`);
  return value;
}
