import type { AuthenticatedUser } from './auth/user.js';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, createChannelHub } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub, ClientFrame, HubReceipt, RealtimeErrorCode, ServerFrame } from '@realtime-kit/core';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { readAuthResult, type AuthenticationResult, type AuthRefusalCode } from './auth/result.js';
import { eventReporter, type ServerEventListener } from './events.js';
import type { Realtime } from './realtime.js';
import { perMessageDeflateOptions, resolveCompression, windowBitsRecorder, type WebSocketCompressionOptions } from './ws-compression.js';
import { createInboundPacer } from './ws-inbound.js';
import { createFrameWriter, DEFAULT_FANOUT_BUDGET_MS, DEFAULT_WS_COALESCE_MS, type SocketWriter } from './ws-writer.js';

export { DEFAULT_COMPRESSION_LEVEL, DEFAULT_COMPRESSION_THRESHOLD } from './ws-compression.js';
export type { WebSocketCompressionOptions } from './ws-compression.js';
export { DEFAULT_FANOUT_BUDGET_MS, DEFAULT_WS_COALESCE_MS } from './ws-writer.js';

/** Default largest accepted message: 64 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** Default interval of WebSocket-level pings; a client that has not answered the previous one is dropped. */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
/** Default bytes that may wait in one client's send buffer before it is dropped as a slow consumer (1 MiB). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long `close()` waits for clients to acknowledge the close before cutting their sockets. */
const CLOSE_GRACE_MS = 2000;
/** 1012 Service Restart: "come back soon" — clients reconnect with backoff and resume. */
const SERVICE_RESTART = 1012;
/** 1011 Internal Error: `authenticate` threw. */
const INTERNAL_ERROR = 1011;
/** 1008 Policy Violation: the origin is not allowed. Clients stop (`policy_violation`) instead of retrying. */
const POLICY_VIOLATION = 1008;
/** setTimeout's largest delay (~24.8 days); a later expiry is not scheduled. */
const MAX_TIMER_MS = 2 ** 31 - 1;


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
   * fresh token. Without it, every connection is anonymous.
   */
  authenticate?: (token: string | null, request: IncomingMessage) => Promise<AuthenticationResult> | AuthenticationResult;
  /**
   * Whether a browser page from `origin` (null for non-browser clients) may connect. Refused connections are
   * accepted and closed at once with 1008 (`policy_violation` on the client, which does not retry). Default: any.
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
export type { AuthenticatedUser } from './auth/user.js';

export function createWebSocketEndpoint(options: WebSocketEndpointOptions = {}): WebSocketEndpoint {
  const maxMessageBytes = positive(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, 'maxMessageBytes');
  const maxBufferedBytes = positive(options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES, 'maxBufferedBytes');
  const pingIntervalMs = options.pingIntervalMs === false ? 0 : positive(options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS, 'pingIntervalMs');
  const compression = resolveCompression(options.compression);
  const maxDurationMs = options.maxDurationMs === undefined ? undefined : positive(options.maxDurationMs, 'maxDurationMs');
  const coalesceMs = options.coalesceMs === false ? false : nonNegative(options.coalesceMs ?? DEFAULT_WS_COALESCE_MS, 'coalesceMs');
  const fanoutBudgetMs = positive(options.fanoutBudgetMs ?? DEFAULT_FANOUT_BUDGET_MS, 'fanoutBudgetMs');
  const writer = createFrameWriter({ coalesceMs, sliceMs: fanoutBudgetMs, maxBufferedBytes, compression });
  const pacer = createInboundPacer({ sliceMs: fanoutBudgetMs });
  const hub = options.hub ?? options.realtime?.hub ?? createChannelHub<ChannelBroker>();
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] WebSocket endpoint:', error));
  const { server, path, authenticate, checkOrigin } = options;
  const report = eventReporter(options.onEvent ?? options.realtime?.onEvent, onError);
  /** Frames being handled (an async broker, authorize or limit): `close()` lets them finish and answer first. */
  const inFlight = new Set<Promise<unknown>>();

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.max(16 * maxMessageBytes, 1024 * 1024),
    clientTracking: false,
    perMessageDeflate: compression ? perMessageDeflateOptions(compression) : false,
  });
  const windows = windowBitsRecorder();
  if (compression) wss.on('headers', windows.record);
  /** Open connections, each with its side of the writer. */
  const clients = new Map<WebSocket, SocketWriter>();
  const alive = new WeakSet<WebSocket>();
  let closing: Promise<void> | undefined;

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
    if (closing) return refuse(socket, '503 Service Unavailable');
    // Until ws owns the socket, a reset during `authenticate` must not become an uncaught 'error'.
    const ignore = () => {};
    socket.on('error', ignore);
    void identify(request).then((outcome) => {
      if (closing || socket.destroyed) return void socket.destroy();
      wss.handleUpgrade(request, socket, head, (ws) => {
        socket.off('error', ignore);
        const windowBits = windows.take(request);
        if (outcome.ok) return open(ws, outcome.user, socket, windowBits);
        if (outcome.failed) return ws.close(INTERNAL_ERROR, 'authentication failed');
        report({ type: 'auth_failure', transport: 'websocket', code: outcome.code, reason: outcome.reason });
        if (outcome.code === 'forbidden') return ws.close(POLICY_VIOLATION, 'origin not allowed');
        // The close reason is the code, so a client can tell an expired token from a missing one.
        ws.close(CLOSE_CODES.UNAUTHORIZED, outcome.code);
      });
    });
  }

  type Identity =
    | { ok: true; user: AuthenticatedUser | undefined }
    | { ok: false; failed: true }
    | { ok: false; failed: false; code: AuthRefusalCode; reason: string };

  async function identify(request: IncomingMessage): Promise<Identity> {
    const origin = headerValue(request.headers.origin);
    if (checkOrigin && !checkOrigin(origin)) return { ok: false, failed: false, code: 'forbidden', reason: `origin ${String(origin)} not allowed` };
    if (!authenticate) return { ok: true, user: undefined };
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    try {
      const verdict = readAuthResult(await authenticate(token, request), token === null ? 'no token' : 'token refused');
      return verdict.ok ? verdict : { ok: false, failed: false, code: verdict.code, reason: verdict.message };
    } catch (error) {
      onError(error);
      return { ok: false, failed: true };
    }
  }

  /**
   * `socket`: the stream under `ws`. Data frames are finished WebSocket frames (built once per frame for every client,
   * compressed when `windowBits` says the client accepted permessage-deflate) that the writer writes to it directly,
   * coalesced per turn; `ws` itself only writes control frames (pings, pongs, the close), always whole, between them.
   */
  function open(ws: WebSocket, user: AuthenticatedUser | undefined, socket: Duplex, windowBits: number | undefined) {
    const output = writer.attach({ ws, socket, windowBits });
    clients.set(ws, output);
    alive.add(ws);
    const send = (frame: ServerFrame) => output.send(frame);
    const refuseFrame = (code: RealtimeErrorCode, message: string) => send({ type: 'error', error: { code, message } });
    const session = hub.connect({
      send,
      userId: user?.userId,
      transport: 'websocket',
      ...(user?.channels === undefined ? {} : { channels: user.channels }),
      close: () => output.close(SERVICE_RESTART, 'session ended'),
    });
    report({ type: 'connect', transport: 'websocket', connectionId: session.id, userId: user?.userId });
    const expiresIn = user?.expiresAt === undefined ? undefined : Math.max(0, user.expiresAt - Date.now());
    const expiry =
      expiresIn === undefined || expiresIn > MAX_TIMER_MS
        ? undefined
        : setTimeout(() => output.close(CLOSE_CODES.UNAUTHORIZED, 'token expired'), expiresIn);
    // A host that cuts connections after a while: end first, as a restart, so the client resumes elsewhere at once.
    const lifetime = maxDurationMs === undefined ? undefined : setTimeout(() => output.close(SERVICE_RESTART, 'max duration'), maxDurationMs);

    // Never throws: every failure is answered or reported (the pacer relies on it). Returns the frame's handling when
    // it is asynchronous (the pacer waits for it, fan-out included, before it reads its clock).
    const handle = ({ data, isBinary }: { data: RawData; isBinary: boolean }): unknown => {
      const size = byteLength(data);
      if (closing) return; // Shutting down: the client re-sends what was not acked to the next server.
      if (size > maxMessageBytes) {
        report({ type: 'refused', transport: 'websocket', code: 'message_too_large', userId: user?.userId });
        return refuseFrame('message_too_large', `A ${size}-byte message was refused: the limit is ${maxMessageBytes} bytes. Send smaller payloads (store large data elsewhere and send a reference).`);
      }
      if (isBinary) return refuseFrame('bad_frame', 'Binary messages are not part of the protocol: send JSON text frames.');
      let frame: ClientFrame;
      try {
        frame = JSON.parse(rawToString(data)) as ClientFrame;
      } catch {
        return refuseFrame('bad_frame', 'The message is not valid JSON: send one JSON protocol frame per message.');
      }
      // The hub checks the frame's shape (answering bad ones with `bad_frame`) and keeps one session's frames in order.
      try {
        const pending = session.receive(frame);
        if (pending) {
          const tracked = pending.catch(onError).finally(() => inFlight.delete(tracked));
          inFlight.add(tracked);
          return tracked;
        }
      } catch (error) {
        onError(error);
      }
    };
    const input = pacer.attach(ws, handle);
    ws.on('pong', () => alive.add(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      alive.add(ws);
      input.receive({ data, isBinary });
    });
    // ws always follows 'error' with 'close'; the listener keeps the error from being thrown.
    ws.on('error', () => {});
    ws.on('close', () => {
      clearTimeout(expiry);
      clearTimeout(lifetime);
      clients.delete(ws);
      output.release();
      input.release();
      session.close();
      report({ type: 'disconnect', transport: 'websocket', connectionId: session.id, userId: user?.userId });
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
        await Promise.race([Promise.allSettled([...inFlight]), delay(CLOSE_GRACE_MS)]);
        const gone = [...clients].map(
          ([ws, output]) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              // What was sent before (acks of the frames just handled) goes out ahead of the close frame.
              output.close(SERVICE_RESTART, 'server shutting down');
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function refuse(socket: Duplex, status: string) {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function pathname(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  return data.byteLength;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative, finite number; got ${String(value)}.`);
  return value;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive, finite number; got ${String(value)}.`);
  return value;
}
