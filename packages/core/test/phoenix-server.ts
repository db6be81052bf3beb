// A small Supabase Realtime server for tests: the Phoenix-channels protocol that @supabase/realtime-js speaks, on
// 127.0.0.1 with the `ws` package. It follows supabase/realtime (lib/realtime_web/channels/realtime_channel.ex,
// its presence and broadcast handlers) closely enough that a real supabase-js client cannot tell the difference
// for what realtime-kit uses: joins with their config, heartbeats, broadcast (self, ack), presence, postgres
// changes with filters, access tokens, leave, close, and the per-client presence rate limit.
//
// Wire format. realtime-js 2.108 defaults to serializer vsn 2.0.0: every text frame is a JSON array
// `[join_ref, ref, topic, event, payload]`, and a client's broadcast is a binary "user broadcast push" (kind 3:
// a header of lengths, then join_ref, ref, topic, user event, metadata and the JSON payload). The server relays a
// broadcast to the other members as a binary "user broadcast" (kind 4), as the real one does. vsn 1.0.0 (JSON
// objects) is accepted too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

/** What realtime-js sends as `config` in `phx_join`. */
export interface PhoenixJoinConfig {
  readonly broadcast?: { readonly self?: boolean; readonly ack?: boolean };
  readonly presence?: { readonly key?: string; readonly enabled?: boolean };
  readonly postgres_changes?: readonly PostgresChangesParams[];
  readonly private?: boolean;
}

/** One postgres_changes listener as a client declares it. */
export interface PostgresChangesParams {
  readonly event: string;
  readonly schema: string;
  readonly table?: string;
  readonly filter?: string;
}

/** A row change to send to the clients listening for it (`emitPostgresChange`). */
export interface PostgresChangeInput {
  readonly schema: string;
  readonly table: string;
  readonly eventType: 'INSERT' | 'UPDATE' | 'DELETE';
  /** The row after the change (INSERT, UPDATE). */
  readonly new?: Readonly<Record<string, unknown>>;
  /** The row before it (UPDATE, DELETE); with the default replica identity, only its primary key. */
  readonly old?: Readonly<Record<string, unknown>>;
  /** ISO time of the commit; default now. */
  readonly commitTimestamp?: string;
  readonly errors?: readonly string[] | null;
}

/** A message a client sent, decoded. */
export interface ReceivedMessage {
  readonly connection: number;
  readonly topic: string;
  readonly event: string;
  readonly payload: Record<string, unknown>;
  readonly ref: string | null;
  readonly joinRef: string | null;
  /** Arrival time (ms since epoch). */
  readonly at: number;
}

export interface PhoenixTestServerOptions {
  /** The key a client must send as `?apikey=`; others are refused with HTTP 401. Default `'anon-test-key'`. */
  apiKey?: string;
  /** Listen on this port (a restart on the same port); default an ephemeral one. */
  port?: number;
  /**
   * The per-client presence limit (Supabase's `client_presence_rate_limit`, per joined channel): at most `maxCalls`
   * `track`/`untrack` messages in a window of `windowMs` that starts with the first one. Over it, the channel gets a
   * `system` error "Client presence rate limit exceeded" and is closed (`phx_close`). Default 5 per 30 s, Supabase's.
   */
  presenceRateLimit?: { maxCalls: number; windowMs: number };
  /**
   * The project's message quota, per joined channel here (Supabase counts it per project): a channel whose client
   * sends more broadcasts than this within a second gets a `system` error "Too many messages per second" and is
   * closed, the broadcast over the quota neither relayed nor acknowledged. Default: no limit.
   */
  maxBroadcastsPerSecond?: number;
  /** Refuses a join: return the reason (sent as `{ reason }` in an error reply, like the real server), or null. */
  authorizeJoin?: (join: { topic: string; accessToken: string | null; config: PhoenixJoinConfig }) => string | null;
}

export interface PhoenixTestServer {
  /** The Supabase URL to pass to `createClient` (`http://127.0.0.1:<port>`). */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  /** Every message clients sent, in arrival order. */
  readonly received: readonly ReceivedMessage[];
  /** How many messages of `event` (and `payload.event`, for `presence`/`broadcast` with a subtype) arrived on `topic`. */
  count(event: string, options?: { topic?: string; subtype?: string }): number;
  /** Open WebSocket connections. */
  connections(): number;
  /** The presence state of a topic (`realtime:<name>`), as `presence_state` would carry it. */
  presence(topic: string): Record<string, { metas: Record<string, unknown>[] }>;
  /** Sends a row change to every joined channel whose postgres_changes listeners match it; returns how many got it. */
  emitPostgresChange(change: PostgresChangeInput): number;
  /**
   * Cuts connections at once, without a close frame (a network failure as the clients see it): every one, or those
   * whose WebSocket URL's query `match`es (supabase-js adds `realtime.params` to it).
   */
  dropConnections(match?: (params: URLSearchParams) => boolean): void;
  /** While false, new connections are answered HTTP 503 (the service is down); default true. */
  setAvailable(available: boolean): void;
  /** Stops listening and drops every connection. Idempotent. */
  close(): Promise<void>;
}

interface Meta {
  readonly phx_ref: string;
  readonly phx_ref_prev?: string;
  readonly [key: string]: unknown;
}

interface Join {
  readonly topic: string;
  readonly joinRef: string;
  readonly selfBroadcast: boolean;
  readonly ackBroadcast: boolean;
  readonly presenceKey: string;
  presenceEnabled: boolean;
  readonly postgresChanges: readonly (PostgresChangesParams & { readonly id: number })[];
  accessToken: string | null;
  /** The meta this channel tracks (one per channel, like Phoenix.Presence.track under one key). */
  tracked: Meta | null;
  /** The client presence window: `counter` calls since `resetAt - windowMs`. */
  presenceWindow: { counter: number; resetAt: number | null };
  /** Arrival times of the broadcasts of the last second. */
  broadcasts: number[];
}

interface Connection {
  readonly id: number;
  /** The query of the WebSocket URL it connected with. */
  readonly params: URLSearchParams;
  readonly socket: WebSocket;
  readonly vsn: '1.0.0' | '2.0.0';
  readonly joins: Map<string, Join>;
}

const PATH = '/realtime/v1/websocket';
const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const JSON_ENCODING = 1;

/** Starts a Supabase-Realtime-compatible server on 127.0.0.1. */
export async function startPhoenixServer(options: PhoenixTestServerOptions = {}): Promise<PhoenixTestServer> {
  const apiKey = options.apiKey ?? 'anon-test-key';
  const presenceLimit = options.presenceRateLimit ?? { maxCalls: 5, windowMs: 30_000 };
  const received: ReceivedMessage[] = [];
  const connections = new Set<Connection>();
  let nextConnection = 1;
  let nextPresenceRef = 1;
  let available = true;

  const httpServer = http.createServer((_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'no Route matched with those values' }));
  });
  const wss = new WebSocketServer({ noServer: true });

  httpServer.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== PATH) return refuseUpgrade(socket, 404, { message: 'no Route matched with those values' });
    if (!available) return refuseUpgrade(socket, 503, { message: 'Service Unavailable' });
    if (url.searchParams.get('apikey') !== apiKey) return refuseUpgrade(socket, 401, { message: 'Invalid API key' });
    const vsn = url.searchParams.get('vsn') === '1.0.0' ? '1.0.0' : '2.0.0';
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: Connection = {
        id: nextConnection++,
        params: url.searchParams,
        socket: ws,
        vsn,
        joins: new Map(),
      };
      connections.add(connection);
      ws.on('message', (data: RawData, isBinary: boolean) => onMessage(connection, data, isBinary));
      ws.on('close', () => {
        connections.delete(connection);
        for (const join of [...connection.joins.values()]) removeJoin(connection, join);
      });
      ws.on('error', () => {});
    });
  });

  function refuseUpgrade(socket: Duplex, status: number, body: object) {
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    );
  }

  // ---- encoding ----------------------------------------------------------------------------------------------

  function send(
    connection: Connection,
    joinRef: string | null,
    ref: string | null,
    topic: string,
    event: string,
    payload: unknown,
  ) {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    const text =
      connection.vsn === '2.0.0'
        ? JSON.stringify([joinRef, ref, topic, event, payload])
        : JSON.stringify({ join_ref: joinRef, ref, topic, event, payload });
    connection.socket.send(text);
  }

  function reply(
    connection: Connection,
    joinRef: string | null,
    ref: string | null,
    topic: string,
    status: 'ok' | 'error',
    response: object,
  ) {
    send(connection, joinRef, ref, topic, 'phx_reply', { status, response });
  }

  /** A broadcast as the real server fans it out: binary (kind 4) to vsn 2.0.0 sockets, a JSON message to 1.0.0. */
  function sendBroadcast(connection: Connection, topic: string, userEvent: string, userPayload: unknown) {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    if (connection.vsn === '1.0.0') {
      send(connection, null, null, topic, 'broadcast', { type: 'broadcast', event: userEvent, payload: userPayload });
      return;
    }
    const topicBytes = Buffer.from(topic);
    const eventBytes = Buffer.from(userEvent);
    const body = Buffer.from(JSON.stringify(userPayload ?? {}));
    const header = Buffer.from([KIND_USER_BROADCAST, topicBytes.length, eventBytes.length, 0, JSON_ENCODING]);
    connection.socket.send(Buffer.concat([header, topicBytes, eventBytes, body]), { binary: true });
  }

  interface Decoded {
    joinRef: string | null;
    ref: string | null;
    topic: string;
    event: string;
    payload: Record<string, unknown>;
  }

  function decode(connection: Connection, data: RawData, isBinary: boolean): Decoded | null {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      // A user broadcast push: kind, the five lengths, the payload encoding, then the strings and the payload.
      if (buffer[0] !== KIND_USER_BROADCAST_PUSH || buffer.length < 7) return null;
      const [joinRefSize, refSize, topicSize, eventSize, metaSize] = [
        buffer[1]!,
        buffer[2]!,
        buffer[3]!,
        buffer[4]!,
        buffer[5]!,
      ];
      const encoding = buffer[6];
      let offset = 7;
      const take = (size: number) => {
        const text = buffer.subarray(offset, offset + size).toString('utf8');
        offset += size;
        return text;
      };
      const joinRef = take(joinRefSize);
      const ref = take(refSize);
      const topic = take(topicSize);
      const userEvent = take(eventSize);
      take(metaSize);
      const rest = buffer.subarray(offset);
      const userPayload: unknown = encoding === JSON_ENCODING ? JSON.parse(rest.toString('utf8') || '{}') : rest;
      return {
        joinRef: joinRef === '' ? null : joinRef,
        ref: ref === '' ? null : ref,
        topic,
        event: 'broadcast',
        payload: { type: 'broadcast', event: userEvent, payload: userPayload },
      };
    }
    const parsed: unknown = JSON.parse(buffer.toString('utf8'));
    if (connection.vsn === '2.0.0' && Array.isArray(parsed)) {
      const [joinRef, ref, topic, event, payload] = parsed as [
        string | null,
        string | null,
        string,
        string,
        Record<string, unknown>,
      ];
      return { joinRef: joinRef ?? null, ref: ref ?? null, topic, event, payload: payload ?? {} };
    }
    const message = parsed as {
      join_ref?: string | null;
      ref?: string | null;
      topic: string;
      event: string;
      payload?: Record<string, unknown>;
    };
    return {
      joinRef: message.join_ref ?? null,
      ref: message.ref ?? null,
      topic: message.topic,
      event: message.event,
      payload: message.payload ?? {},
    };
  }

  // ---- channels ----------------------------------------------------------------------------------------------

  function onMessage(connection: Connection, data: RawData, isBinary: boolean) {
    let message: Decoded | null;
    try {
      message = decode(connection, data, isBinary);
    } catch {
      message = null;
    }
    if (message === null) return;
    const { joinRef, ref, topic, event, payload } = message;
    received.push({ connection: connection.id, topic, event, payload, ref, joinRef, at: Date.now() });

    if (topic === 'phoenix' && event === 'heartbeat') return reply(connection, null, ref, 'phoenix', 'ok', {});
    if (event === 'phx_join') return onJoin(connection, joinRef ?? ref ?? '', ref, topic, payload);

    const join = connection.joins.get(topic);
    // Phoenix answers a message for a channel this socket has not joined (or an old join of it) with phx_close.
    if (!join || (joinRef !== null && joinRef !== join.joinRef)) {
      send(connection, joinRef, ref, topic, 'phx_close', {});
      return;
    }
    switch (event) {
      case 'phx_leave':
        reply(connection, join.joinRef, ref, topic, 'ok', {});
        removeJoin(connection, join);
        return;
      case 'access_token':
        if (typeof payload.access_token === 'string') join.accessToken = payload.access_token;
        return;
      case 'broadcast':
        return onBroadcast(connection, join, ref, payload);
      case 'presence':
        return onPresence(connection, join, ref, payload);
      default:
        // The real server ignores what it does not know (it only logs it).
        return;
    }
  }

  function onJoin(
    connection: Connection,
    joinRef: string,
    ref: string | null,
    topic: string,
    payload: Record<string, unknown>,
  ) {
    if (!topic.startsWith('realtime:') || topic === 'realtime:') {
      reply(connection, joinRef, ref, topic, 'error', { reason: 'TopicNameRequired: You must provide a topic name' });
      return;
    }
    // Joining a topic this socket has joined already replaces the old join (Phoenix closes it first).
    const previous = connection.joins.get(topic);
    if (previous) {
      send(connection, previous.joinRef, previous.joinRef, topic, 'phx_close', {});
      removeJoin(connection, previous);
    }
    const config = (
      typeof payload.config === 'object' && payload.config !== null ? payload.config : {}
    ) as PhoenixJoinConfig;
    const accessToken = typeof payload.access_token === 'string' ? payload.access_token : null;
    const refusal = options.authorizeJoin?.({ topic, accessToken, config }) ?? null;
    if (refusal !== null) {
      reply(connection, joinRef, ref, topic, 'error', { reason: refusal });
      return;
    }
    const postgresChanges = (config.postgres_changes ?? []).filter(
      (params): params is PostgresChangesParams => params !== null,
    );
    const join: Join = {
      topic,
      joinRef,
      selfBroadcast: config.broadcast?.self === true,
      ackBroadcast: config.broadcast?.ack === true,
      presenceKey: config.presence?.key ? String(config.presence.key) : crypto.randomUUID(),
      presenceEnabled: config.presence?.enabled === true,
      postgresChanges: postgresChanges.map((params) => ({ ...params, id: hashParams(params) })),
      accessToken,
      tracked: null,
      presenceWindow: { counter: 0, resetAt: null },
      broadcasts: [],
    };
    connection.joins.set(topic, join);
    reply(connection, joinRef, ref, topic, 'ok', { postgres_changes: join.postgresChanges });
    // The real server sends the state after the join reply (`send(self(), :sync_presence)`).
    if (join.presenceEnabled) send(connection, joinRef, null, topic, 'presence_state', presenceState(topic));
  }

  function removeJoin(connection: Connection, join: Join) {
    if (connection.joins.get(join.topic) !== join) return;
    connection.joins.delete(join.topic);
    if (join.tracked) {
      const left = join.tracked;
      join.tracked = null;
      presenceDiff(join.topic, {}, { [join.presenceKey]: { metas: [left] } });
    }
  }

  function members(topic: string): { connection: Connection; join: Join }[] {
    const out: { connection: Connection; join: Join }[] = [];
    for (const connection of connections) {
      const join = connection.joins.get(topic);
      if (join) out.push({ connection, join });
    }
    return out;
  }

  /** shutdown_response/2: a system error, then the channel process stops (:normal) and Phoenix sends phx_close. */
  function shutdown(connection: Connection, join: Join, message: string) {
    send(connection, join.joinRef, null, join.topic, 'system', {
      extension: 'system',
      status: 'error',
      message,
      channel: join.topic.slice('realtime:'.length),
    });
    send(connection, join.joinRef, join.joinRef, join.topic, 'phx_close', {});
    removeJoin(connection, join);
  }

  function onBroadcast(connection: Connection, join: Join, ref: string | null, payload: Record<string, unknown>) {
    if (options.maxBroadcastsPerSecond !== undefined) {
      const now = performance.now();
      join.broadcasts = join.broadcasts.filter((at) => now - at < 1000);
      if (join.broadcasts.length >= options.maxBroadcastsPerSecond)
        return shutdown(connection, join, 'Too many messages per second');
      join.broadcasts.push(now);
    }
    const userEvent = typeof payload.event === 'string' ? payload.event : '';
    for (const member of members(join.topic)) {
      if (member.connection === connection && !join.selfBroadcast) continue;
      sendBroadcast(member.connection, join.topic, userEvent, payload.payload);
    }
    if (join.ackBroadcast) reply(connection, join.joinRef, ref, join.topic, 'ok', {});
  }

  // ---- presence ----------------------------------------------------------------------------------------------

  function presenceState(topic: string): Record<string, { metas: Meta[] }> {
    const state: Record<string, { metas: Meta[] }> = {};
    for (const { join } of members(topic)) {
      if (!join.tracked) continue;
      (state[join.presenceKey] ??= { metas: [] }).metas.push(join.tracked);
    }
    return state;
  }

  function presenceDiff(
    topic: string,
    joins: Record<string, { metas: Meta[] }>,
    leaves: Record<string, { metas: Meta[] }>,
  ) {
    for (const member of members(topic))
      send(member.connection, member.join.joinRef, null, topic, 'presence_diff', { joins, leaves });
  }

  /** Supabase's `limit_client_presence_event`: a fixed window that opens with the first call after it expired. */
  function allowPresenceCall(join: Join): boolean {
    const now = performance.now();
    const window = join.presenceWindow;
    if (window.resetAt === null || now > window.resetAt) {
      window.counter = 1;
      window.resetAt = now + presenceLimit.windowMs;
      return true;
    }
    if (window.counter >= presenceLimit.maxCalls) return false;
    window.counter += 1;
    return true;
  }

  function onPresence(connection: Connection, join: Join, ref: string | null, payload: Record<string, unknown>) {
    const event = typeof payload.event === 'string' ? payload.event.toLowerCase() : '';
    if (!allowPresenceCall(join)) return shutdown(connection, join, 'Client presence rate limit exceeded');
    if (event === 'track') {
      const body = payload.payload ?? {};
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        reply(connection, join.joinRef, ref, join.topic, 'error', { reason: 'Presence track payload must be a map' });
        return;
      }
      const enabling = !join.presenceEnabled;
      join.presenceEnabled = true;
      const previous = join.tracked;
      if (previous && sameTrackPayload(previous, body as Record<string, unknown>)) {
        reply(connection, join.joinRef, ref, join.topic, 'ok', {});
        return;
      }
      const meta: Meta = {
        ...(body as Record<string, unknown>),
        phx_ref: `ref-${nextPresenceRef++}`,
        ...(previous ? { phx_ref_prev: previous.phx_ref } : {}),
      };
      join.tracked = meta;
      reply(connection, join.joinRef, ref, join.topic, 'ok', {});
      // A track that enables presence is followed by the full state (maybe_sync_presence).
      if (enabling) send(connection, join.joinRef, null, join.topic, 'presence_state', presenceState(join.topic));
      presenceDiff(
        join.topic,
        { [join.presenceKey]: { metas: [meta] } },
        previous ? { [join.presenceKey]: { metas: [previous] } } : {},
      );
      return;
    }
    if (event === 'untrack') {
      const previous = join.tracked;
      join.tracked = null;
      reply(connection, join.joinRef, ref, join.topic, 'ok', {});
      if (previous) presenceDiff(join.topic, {}, { [join.presenceKey]: { metas: [previous] } });
      return;
    }
    reply(connection, join.joinRef, ref, join.topic, 'error', {});
  }

  // ---- postgres changes --------------------------------------------------------------------------------------

  function emitPostgresChange(change: PostgresChangeInput): number {
    const record = change.eventType === 'DELETE' ? null : (change.new ?? {});
    const oldRecord = change.eventType === 'INSERT' ? null : (change.old ?? {});
    const data = {
      schema: change.schema,
      table: change.table,
      commit_timestamp: change.commitTimestamp ?? new Date().toISOString(),
      type: change.eventType,
      columns: columnsOf({ ...(oldRecord ?? {}), ...(record ?? {}) }),
      ...(record === null ? {} : { record }),
      ...(oldRecord === null ? {} : { old_record: oldRecord }),
      errors: change.errors ?? null,
    };
    let delivered = 0;
    for (const connection of connections) {
      for (const join of connection.joins.values()) {
        const ids = join.postgresChanges
          .filter((params) => matches(params, change, record, oldRecord))
          .map((params) => params.id);
        if (ids.length === 0) continue;
        send(connection, join.joinRef, null, join.topic, 'postgres_changes', { ids, data });
        delivered += 1;
      }
    }
    return delivered;
  }

  // ---- the handle -------------------------------------------------------------------------------------------

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  let closing: Promise<void> | null = null;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    received,
    count(event, countOptions = {}) {
      return received.filter(
        (message) =>
          message.event === event &&
          (countOptions.topic === undefined || message.topic === countOptions.topic) &&
          (countOptions.subtype === undefined || message.payload.event === countOptions.subtype),
      ).length;
    },
    connections: () => connections.size,
    presence: (topic) => presenceState(topic),
    emitPostgresChange,
    dropConnections(match) {
      for (const connection of [...connections])
        if (match === undefined || match(connection.params)) connection.socket.terminate();
    },
    setAvailable(next) {
      available = next;
    },
    close() {
      closing ??= (async () => {
        for (const connection of [...connections]) connection.socket.terminate();
        wss.close();
        httpServer.closeAllConnections();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** `:erlang.phash2(params)` stands in for the id the real server gives each listener: stable per params. */
function hashParams(params: PostgresChangesParams): number {
  const text = JSON.stringify([params.event, params.schema, params.table ?? null, params.filter ?? null]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7ffffff;
}

function sameTrackPayload(meta: Meta, payload: Record<string, unknown>): boolean {
  const { phx_ref: _ref, phx_ref_prev: _prev, ...rest } = meta;
  return JSON.stringify(rest) === JSON.stringify(payload);
}

/** Column descriptions as walrus sends them; realtime-js converts each cell by its type. */
function columnsOf(row: Record<string, unknown>): { name: string; type: string }[] {
  return Object.entries(row).map(([name, value]) => ({
    name,
    type:
      typeof value === 'number'
        ? Number.isInteger(value)
          ? 'int8'
          : 'float8'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value === 'object' && value !== null
            ? 'jsonb'
            : 'text',
  }));
}

/**
 * Whether a listener wants a change: its event (`*` or the change's), schema, table (absent = every table) and
 * filter. Filters are PostgREST-style `column=op.value` with eq, neq, lt, lte, gt, gte and in. INSERT and UPDATE
 * are filtered on the new row; DELETE on the old one, and passes when the old row lacks the column (the default
 * replica identity only carries the primary key, and Realtime then lets deletes through).
 */
function matches(
  params: PostgresChangesParams,
  change: PostgresChangeInput,
  record: Readonly<Record<string, unknown>> | null,
  oldRecord: Readonly<Record<string, unknown>> | null,
): boolean {
  if (params.event !== '*' && params.event.toUpperCase() !== change.eventType) return false;
  if (params.schema !== change.schema && params.schema !== '*') return false;
  if (params.table !== undefined && params.table !== '*' && params.table !== change.table) return false;
  if (params.filter === undefined || params.filter === '') return true;
  const parsed = /^([^=]+)=(eq|neq|lt|lte|gt|gte|in)\.(.*)$/.exec(params.filter);
  if (!parsed) return false;
  const [, column, op, raw] = parsed as unknown as [string, string, string, string];
  const row = change.eventType === 'DELETE' ? oldRecord : record;
  if (row === null) return false;
  if (!(column in row)) return change.eventType === 'DELETE';
  const value = row[column];
  const text = value === null || value === undefined ? 'null' : String(value);
  const compare = (target: string) => {
    const a = Number(text);
    const b = Number(target);
    return Number.isFinite(a) && Number.isFinite(b) ? a - b : text.localeCompare(target);
  };
  switch (op) {
    case 'eq':
      return text === raw;
    case 'neq':
      return text !== raw;
    case 'lt':
      return compare(raw) < 0;
    case 'lte':
      return compare(raw) <= 0;
    case 'gt':
      return compare(raw) > 0;
    case 'gte':
      return compare(raw) >= 0;
    case 'in':
      return raw
        .replace(/^\(|\)$/g, '')
        .split(',')
        .map((item) => item.trim())
        .includes(text);
    default:
      return false;
  }
}
