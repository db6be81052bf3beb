// A small Pusher Channels server for tests: the WebSocket protocol pusher-js 8 speaks (protocol 7) and the REST
// endpoint the `pusher` server package triggers through, on 127.0.0.1 with an ephemeral port. It implements what
// realtime-kit uses — connection_established, ping/pong, public/private/presence subscriptions with the HMAC-SHA256
// auth check, presence members deduplicated by user_id, client events, unsubscribe, `POST /apps/<id>/events` with
// the signed query string — and adds fault injection (drop a connection, send raw text).
import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** How the server answers a subscription whose signature is wrong. */
export type PusherAuthErrorStyle =
  /** `pusher:subscription_error` on the channel, with `{ type: 'AuthError', error, status: 401 }`. */
  | 'subscription_error'
  /** A connection-level `pusher:error` `{ code: null, message: 'Invalid signature: …' }` (what Pusher has long sent). */
  | 'error';

export interface PusherTestServerOptions {
  appId?: string;
  key?: string;
  secret?: string;
  /** Default `'subscription_error'`. */
  authErrorStyle?: PusherAuthErrorStyle;
  /** Seconds, sent in `connection_established`. Default 120. */
  activityTimeout?: number;
  /** Client events each connection may send per second; more are dropped with `pusher:error` 4301. Default unlimited. */
  clientEventsPerSecond?: number;
}

/** One message the server received from a client connection (parsed), for assertions. */
export interface PusherReceived {
  readonly socketId: string;
  readonly event: string;
  readonly channel?: string;
  readonly data: unknown;
}

export interface PusherTestServer {
  readonly appId: string;
  readonly key: string;
  readonly secret: string;
  readonly port: number;
  /** Options for `new Pusher(key, …)` from pusher-js. */
  clientOptions(): {
    cluster: string;
    wsHost: string;
    wsPort: number;
    forceTLS: false;
    enabledTransports: ['ws'];
    disableStats: true;
  };
  /** Options for `new Pusher(…)` from the `pusher` server package. */
  restOptions(): { appId: string; key: string; secret: string; host: string; port: string; useTLS: false };
  /** Socket ids of the open connections. */
  socketIds(): string[];
  /** The channels a connection is subscribed to. */
  channelsOf(socketId: string): string[];
  /** A presence channel's members: user id → user_info, and how many connections each has. */
  members(channel: string): Map<string, { info: unknown; connections: number }>;
  /** Everything clients sent, in order (pings excluded). */
  readonly received: PusherReceived[];
  /** Everything the REST endpoint accepted, and every request it refused (with the status). */
  readonly rest: { status: number; body: string }[];
  /** Sends an event to a channel's subscribers as a server trigger would (`data` JSON-encoded unless a string). */
  trigger(channel: string, event: string, data: unknown): void;
  /** Cuts connections abruptly (no close frame, like a network failure): one socket id, or all. */
  drop(socketId?: string): void;
  /** Sends raw text on connections (one socket id, or all): for bad frames. */
  sendRaw(text: string, socketId?: string): void;
  /** While false, new connections are answered HTTP 503 (the service is down for them); default true. */
  setAvailable(available: boolean): void;
  /** Stops: every connection is cut, the port is freed. */
  close(): Promise<void>;
}

interface Conn {
  readonly socketId: string;
  readonly ws: WebSocket;
  readonly channels: Map<string, { userId?: string }>;
  /** When this connection's recent client events were sent (ms), for the rate limit. */
  readonly clientEvents: number[];
}

interface PresenceMemberState {
  info: unknown;
  sockets: Set<string>;
}

const PRESENCE = 'presence-';
const PRIVATE = 'private-';

/** Starts a Pusher-protocol server on 127.0.0.1. */
export async function startPusherTestServer(options: PusherTestServerOptions = {}): Promise<PusherTestServer> {
  const appId = options.appId ?? '1001';
  const key = options.key ?? 'test-key';
  const secret = options.secret ?? 'test-secret';
  const authErrorStyle = options.authErrorStyle ?? 'subscription_error';
  const activityTimeout = options.activityTimeout ?? 120;
  const conns = new Map<string, Conn>();
  /** channel → subscribed socket ids */
  const subscribers = new Map<string, Set<string>>();
  /** presence channel → user id → member */
  const presence = new Map<string, Map<string, PresenceMemberState>>();
  const received: PusherReceived[] = [];
  const rest: { status: number; body: string }[] = [];

  const sign = (text: string) => createHmac('sha256', secret).update(text).digest('hex');

  function send(conn: Conn, event: string, data: unknown, channel?: string, userId?: string) {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    // Pusher sends `data` as a JSON-encoded string.
    const message: Record<string, unknown> = { event, data: typeof data === 'string' ? data : JSON.stringify(data) };
    if (channel !== undefined) message.channel = channel;
    if (userId !== undefined) message.user_id = userId;
    conn.ws.send(JSON.stringify(message));
  }

  function sendError(conn: Conn, message: string, code: number | null = null) {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify({ event: 'pusher:error', data: { code, message } }));
  }

  function broadcast(channel: string, except: string | undefined, event: string, data: unknown, userId?: string) {
    for (const socketId of subscribers.get(channel) ?? []) {
      if (socketId === except) continue;
      const conn = conns.get(socketId);
      if (conn) send(conn, event, data, channel, userId);
    }
  }

  function subscribe(conn: Conn, data: Record<string, unknown>) {
    const channel = data.channel;
    if (typeof channel !== 'string' || channel === '') return sendError(conn, 'pusher:subscribe needs a channel', 4009);
    const auth = typeof data.auth === 'string' ? data.auth : '';
    const channelData = typeof data.channel_data === 'string' ? data.channel_data : undefined;
    const isPresence = channel.startsWith(PRESENCE);
    if (isPresence || channel.startsWith(PRIVATE)) {
      const signed = isPresence ? `${conn.socketId}:${channel}:${channelData ?? ''}` : `${conn.socketId}:${channel}`;
      const expected = `${key}:${sign(signed)}`;
      if (!safeEqual(auth, expected) || (isPresence && channelData === undefined)) {
        const message = `Invalid signature: Expected HMAC SHA256 hex digest of ${signed}, but got ${auth.split(':')[1] ?? auth}`;
        if (authErrorStyle === 'error') return sendError(conn, message);
        return send(conn, 'pusher:subscription_error', { type: 'AuthError', error: message, status: 401 }, channel);
      }
    }
    let userId: string | undefined;
    let userInfo: unknown;
    if (isPresence) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(channelData ?? '');
      } catch {
        parsed = undefined;
      }
      const rawId = isRecord(parsed) ? parsed.user_id : undefined;
      if (typeof rawId !== 'string' && typeof rawId !== 'number') {
        return send(
          conn,
          'pusher:subscription_error',
          { type: 'AuthError', error: 'channel_data must carry a user_id', status: 400 },
          channel,
        );
      }
      userId = String(rawId);
      userInfo = isRecord(parsed) ? parsed.user_info : undefined;
    }
    if (conn.channels.has(channel)) leave(conn, channel);
    conn.channels.set(channel, userId === undefined ? {} : { userId });
    let set = subscribers.get(channel);
    if (!set) subscribers.set(channel, (set = new Set()));
    set.add(conn.socketId);
    if (!isPresence || userId === undefined) return send(conn, 'pusher_internal:subscription_succeeded', {}, channel);

    let members = presence.get(channel);
    if (!members) presence.set(channel, (members = new Map()));
    const existing = members.get(userId);
    if (existing) {
      existing.sockets.add(conn.socketId);
      existing.info = userInfo;
    } else {
      members.set(userId, { info: userInfo, sockets: new Set([conn.socketId]) });
      // Only a user's first connection is announced: Pusher dedupes members by user_id.
      broadcast(channel, conn.socketId, 'pusher_internal:member_added', { user_id: userId, user_info: userInfo });
    }
    const hash: Record<string, unknown> = {};
    for (const [id, member] of members) hash[id] = member.info ?? null;
    send(
      conn,
      'pusher_internal:subscription_succeeded',
      { presence: { ids: [...members.keys()], hash, count: members.size } },
      channel,
    );
  }

  /** Removes `conn` from `channel`; the user's last connection leaving a presence channel is a member_removed. */
  function leave(conn: Conn, channel: string) {
    const state = conn.channels.get(channel);
    if (!state) return;
    conn.channels.delete(channel);
    const set = subscribers.get(channel);
    set?.delete(conn.socketId);
    if (set?.size === 0) subscribers.delete(channel);
    if (state.userId === undefined) return;
    const members = presence.get(channel);
    const member = members?.get(state.userId);
    if (!members || !member) return;
    member.sockets.delete(conn.socketId);
    if (member.sockets.size > 0) return;
    members.delete(state.userId);
    if (members.size === 0) presence.delete(channel);
    broadcast(channel, conn.socketId, 'pusher_internal:member_removed', { user_id: state.userId });
  }

  function onMessage(conn: Conn, text: string) {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return sendError(conn, 'Could not parse the message as JSON');
    }
    if (!isRecord(message) || typeof message.event !== 'string') return sendError(conn, 'A message needs an "event"');
    const { event } = message;
    const channel = typeof message.channel === 'string' ? message.channel : undefined;
    let data = message.data;
    if (typeof data === 'string' && event.startsWith('pusher:')) {
      try {
        data = JSON.parse(data);
      } catch {
        // keep the string
      }
    }
    if (event === 'pusher:ping') return send(conn, 'pusher:pong', {});
    if (event === 'pusher:pong') return;
    received.push(
      channel === undefined
        ? { socketId: conn.socketId, event, data }
        : { socketId: conn.socketId, event, channel, data },
    );
    if (event === 'pusher:subscribe') return subscribe(conn, isRecord(data) ? data : {});
    if (event === 'pusher:unsubscribe') {
      if (isRecord(data) && typeof data.channel === 'string') leave(conn, data.channel);
      return;
    }
    if (event.startsWith('client-')) {
      if (channel === undefined) return sendError(conn, 'Client event rejected - a channel is required');
      if (!channel.startsWith(PRIVATE) && !channel.startsWith(PRESENCE)) {
        return sendError(conn, `Client event rejected - only supported on private and presence channels (${channel})`);
      }
      const state = conn.channels.get(channel);
      if (!state) return sendError(conn, `Client event rejected - not subscribed to ${channel}`);
      if (options.clientEventsPerSecond !== undefined) {
        const now = Date.now();
        while (conn.clientEvents.length > 0 && conn.clientEvents[0]! <= now - 1000) conn.clientEvents.shift();
        if (conn.clientEvents.length >= options.clientEventsPerSecond)
          return sendError(conn, 'Client event rejected due to rate limit', 4301);
        conn.clientEvents.push(now);
      }
      // Relayed to the channel's other subscribers, never back to the sender; with user_id on presence channels.
      return broadcast(channel, conn.socketId, event, message.data, state.userId);
    }
    sendError(conn, `Unsupported event "${event}"`);
  }

  // ---- REST ------------------------------------------------------------------------------------------------

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, text: string) => {
      rest.push({ status, body });
      res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain' }).end(text);
    };
    if (req.method !== 'POST' || url.pathname !== `/apps/${appId}/events`) return reply(404, 'Not found');
    const params = Object.fromEntries(url.searchParams);
    if (params.auth_key !== key) return reply(401, 'Unknown auth_key');
    if (
      !/^\d+$/.test(params.auth_timestamp ?? '') ||
      Math.abs(Date.now() / 1000 - Number(params.auth_timestamp)) > 600
    ) {
      return reply(401, 'Timestamp expired: auth_timestamp must be within 600 s of the server time');
    }
    if (params.body_md5 !== createHash('md5').update(body, 'utf8').digest('hex'))
      return reply(401, 'body_md5 does not match the body');
    const { auth_signature: signature = '', ...signedParams } = params;
    const query = Object.keys(signedParams)
      .sort()
      .map((name) => `${name}=${signedParams[name]}`)
      .join('&');
    const expected = sign(['POST', url.pathname, query].join('\n'));
    if (!safeEqual(signature, expected))
      return reply(
        401,
        `Invalid signature: you should have sent HmacSHA256Hex(${JSON.stringify(`POST\n${url.pathname}\n${query}`)}, your_secret_key)`,
      );
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      return reply(400, 'The body is not JSON');
    }
    if (!isRecord(event) || typeof event.name !== 'string' || typeof event.data !== 'string')
      return reply(400, 'An event needs a "name" and string "data"');
    const channels = Array.isArray(event.channels)
      ? event.channels
      : typeof event.channel === 'string'
        ? [event.channel]
        : [];
    if (channels.length === 0 || !channels.every((channel): channel is string => typeof channel === 'string')) {
      return reply(400, 'An event needs "channels"');
    }
    const except = typeof event.socket_id === 'string' ? event.socket_id : undefined;
    for (const channel of channels) broadcast(channel, except, event.name, event.data);
    reply(200, '{}');
  }

  const httpServer = http.createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  let available = true;
  httpServer.on('upgrade', (req, socket, head) => {
    if (!available) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const socketId = `${randomInt(1, 2 ** 31)}.${randomInt(1, 2 ** 31)}`;
      const conn: Conn = { socketId, ws, channels: new Map(), clientEvents: [] };
      if (url.pathname !== `/app/${key}`) {
        ws.send(
          JSON.stringify({
            event: 'pusher:error',
            data: { code: 4001, message: `App key ${url.pathname.slice(5)} not in this cluster` },
          }),
        );
        ws.close(4001, 'App key not found');
        return;
      }
      conns.set(socketId, conn);
      ws.on('message', (raw) => onMessage(conn, String(raw)));
      ws.on('close', () => {
        conns.delete(socketId);
        for (const channel of [...conn.channels.keys()]) leave(conn, channel);
      });
      ws.on('error', () => {});
      send(conn, 'pusher:connection_established', { socket_id: socketId, activity_timeout: activityTimeout });
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', resolve);
  });
  const { port } = httpServer.address() as AddressInfo;

  let closed = false;
  return {
    appId,
    key,
    secret,
    port,
    received,
    rest,
    clientOptions: () => ({
      cluster: 'test',
      wsHost: '127.0.0.1',
      wsPort: port,
      forceTLS: false,
      enabledTransports: ['ws'],
      disableStats: true,
    }),
    restOptions: () => ({ appId, key, secret, host: '127.0.0.1', port: String(port), useTLS: false }),
    socketIds: () => [...conns.keys()],
    channelsOf: (socketId) => [...(conns.get(socketId)?.channels.keys() ?? [])],
    members(channel) {
      const result = new Map<string, { info: unknown; connections: number }>();
      for (const [id, member] of presence.get(channel) ?? [])
        result.set(id, { info: member.info, connections: member.sockets.size });
      return result;
    },
    trigger(channel, event, data) {
      broadcast(channel, undefined, event, data);
    },
    drop(socketId) {
      for (const conn of socketId === undefined
        ? [...conns.values()]
        : [conns.get(socketId)].filter((c): c is Conn => c !== undefined)) {
        conn.ws.terminate();
      }
    },
    sendRaw(text, socketId) {
      for (const conn of conns.values()) if (socketId === undefined || conn.socketId === socketId) conn.ws.send(text);
    },
    setAvailable(next) {
      available = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const conn of conns.values()) conn.ws.terminate();
      wss.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
