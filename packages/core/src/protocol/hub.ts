import { reportListenerError } from '../lib/report-listener-error.js';
import { randomId } from '../lib/random-id.js';
import type { RealtimeErrorCode } from '../errors.js';
import { PROTOCOL_VERSION, type ClientFrame, type PresenceMember, type ServerFrame } from './frames.js';

/** A stored channel message, exactly as the hub sends it. */
export type HubMessage = Extract<ServerFrame, { type: 'message' }>;

/** Who a session is, as `authorize` sees it. */
export interface HubSessionInfo {
  /** The session's id (the `connectionId` of its `welcome` frame). */
  readonly id: string;
  /** The authenticated user, when the connection has one. */
  readonly userId: string | undefined;
}

/** Options for {@link createChannelHub}. */
export interface ChannelHubOptions {
  /** Messages kept per channel for replay (a ring: the oldest go first). Default {@link DEFAULT_LOG_SIZE}. `0` keeps none. */
  logSize?: number;
  /**
   * Publish `cid`s remembered per channel for deduplication (oldest forgotten first). Default
   * `max(logSize, 1000)`: a retry of a publish older than that would be stored again.
   */
  dedupeSize?: number;
  /** Clock for each message's `at`. Default `Date.now`. */
  now?: () => number;
  /** Id generator for message and session ids. Default a random UUID. */
  createId?: () => string;
  /**
   * Whether a session may use a channel (subscribe, publish, presence). Asked once per session and channel;
   * the answer is kept for the session's lifetime. Refusals are `nack`ed (publish) or answered with an `error`
   * frame carrying the channel (subscribe, presence), code `unauthorized`. Default: everything is allowed.
   */
  authorize?: (session: HubSessionInfo, channel: string) => boolean | Promise<boolean>;
  /** Sent in `welcome`: how often clients should ping. Default 25 000. */
  heartbeatMs?: number;
  /**
   * A connection's `send` threw: the hub closes that session (so one broken connection cannot stop a broadcast)
   * and reports the error here. Default: reported like a throwing listener (`reportError`, else an uncaught
   * exception in a microtask).
   */
  onError?: (error: unknown, session: HubSessionInfo) => void;
}

/** A connection as the hub sees it: somewhere to send frames. */
export interface HubConnection {
  /** Sends one frame to the client. Called synchronously from `connect`, `receive` and `publish`. */
  send(frame: ServerFrame): void;
  /** The authenticated user; presence is keyed by it. Anonymous sessions are keyed by their session id. */
  userId?: string;
  /** Called when the hub itself ends the session (`reset()`, or a `send` that threw): close the connection. */
  close?(): void;
}

/** One client connection to the hub. */
export interface HubSession {
  /** The session id; also the `connectionId` of the `welcome` frame. */
  readonly id: string;
  /**
   * Handles one frame from the client. Frames of one session are handled in arrival order even when
   * `authorize` is asynchronous: the returned promise (only then) settles once this frame is done.
   */
  receive(frame: ClientFrame): void | Promise<void>;
  /** The connection is gone: unsubscribes everything and leaves presence. Idempotent. */
  close(): void;
}

/** Options for {@link ChannelHub.reset}. */
export interface HubResetOptions {
  /**
   * Also forget every channel's stored messages and `cid`s (as a server whose log was lost). Sequence numbers
   * are NOT reused: the next message continues the count, so resuming clients get a `gap` for what was lost.
   */
  dropLogs?: boolean;
}

/** The reference server side of the channel protocol, free of any transport. See {@link createChannelHub}. */
export interface ChannelHub {
  /** Opens a session for a new connection and sends it `welcome`. */
  connect(connection: HubConnection): HubSession;
  /**
   * Publishes from the server (a Server Action, a job): stored, numbered and sent to subscribers. With a `cid`
   * already stored on that channel, nothing is stored or sent again and the first `{ id, seq }` is returned.
   */
  publish(channel: string, event: string, data: unknown, options?: { cid?: string }): { id: string; seq: number };
  /** The messages a channel still holds for replay, oldest first. */
  messages(channel: string): readonly HubMessage[];
  /** A channel's presence set. */
  presence(channel: string): readonly PresenceMember[];
  /** A channel's newest sequence number (0 before the first message). */
  seq(channel: string): number;
  /** Open sessions. */
  readonly sessions: number;
  /**
   * A server restart: every session is ended (each connection's `close` is called; subscriptions and presence
   * are gone) while the message logs are kept, as on a server with a persistent log. With `dropLogs`, the logs
   * are lost too. Clients reconnect, resubscribe with their resume points and re-send un-acked publishes.
   */
  reset(options?: HubResetOptions): void;
}

/** Default number of messages each channel keeps for replay. */
export const DEFAULT_LOG_SIZE = 1000;
const DEFAULT_HEARTBEAT_MS = 25_000;
const MIN_DEDUPE_SIZE = 1000;
const FRAME_TYPES: ReadonlySet<string> = new Set<ClientFrame['type']>(['subscribe', 'unsubscribe', 'publish', 'presence', 'ping']);

interface Member {
  data: unknown;
  readonly sessions: Set<SessionState>;
}

interface ChannelLog {
  readonly name: string;
  head: number;
  /** Ring buffer of the newest messages: `ring[(start + i) % capacity]` for i < length. */
  readonly ring: (HubMessage | undefined)[];
  start: number;
  length: number;
  readonly cids: Map<string, { id: string; seq: number }>;
  readonly subscribers: Set<SessionState>;
  readonly members: Map<string, Member>;
}

interface SessionState {
  readonly info: HubSessionInfo;
  readonly presenceKey: string;
  readonly connection: HubConnection;
  readonly subscriptions: Set<ChannelLog>;
  readonly present: Set<ChannelLog>;
  readonly allowed: Map<string, boolean | Promise<boolean>>;
  /** The tail of this session's frame chain while an asynchronous `authorize` is pending. */
  chain: Promise<void> | null;
  closed: boolean;
}

/**
 * The reference server semantics of the channel protocol (see `frames.ts` and PROTOCOL.md), with no transport:
 * `@realtime-kit/server` puts it behind a WebSocket, the test kit behind an in-memory transport.
 *
 * - Every channel numbers its messages 1, 2, 3, … and keeps the newest `logSize` for replay.
 * - `subscribe { after }` replays every kept message with `seq > after`; when the log no longer reaches back to
 *   `after + 1` it first sends `gap { from: after + 1, to: oldest - 1 }`. Then presence `sync`, then `subscribed`.
 * - `publish` is idempotent by `cid` per channel: a repeat is acked again with the same `id`/`seq` and not re-sent.
 * - Presence is one member per `userId`, counting that user's connections: `enter` when the first connection
 *   enters, `update` for data or count changes, `leave` when the last connection leaves or disconnects.
 * @example
 * const hub = createChannelHub({ authorize: (session, channel) => !channel.startsWith('private-') })
 * const session = hub.connect({ send: (frame) => socket.send(JSON.stringify(frame)), userId })
 * socket.onmessage = (event) => session.receive(JSON.parse(event.data))
 * socket.onclose = () => session.close()
 */
export function createChannelHub(options: ChannelHubOptions = {}): ChannelHub {
  const logSize = options.logSize ?? DEFAULT_LOG_SIZE;
  if (!Number.isInteger(logSize) || logSize < 0) {
    throw new RangeError(`createChannelHub: logSize must be a non-negative integer (got ${String(logSize)}).`);
  }
  const dedupeSize = options.dedupeSize ?? Math.max(logSize, MIN_DEDUPE_SIZE);
  if (!Number.isInteger(dedupeSize) || dedupeSize < 0) {
    throw new RangeError(`createChannelHub: dedupeSize must be a non-negative integer (got ${String(dedupeSize)}).`);
  }
  const now = options.now ?? Date.now;
  const createId = options.createId ?? randomId;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const authorize = options.authorize;
  const onError = options.onError ?? ((error: unknown) => reportListenerError(error));

  const channels = new Map<string, ChannelLog>();
  const sessions = new Set<SessionState>();

  function channelLog(name: string): ChannelLog {
    let log = channels.get(name);
    if (!log) {
      log = {
        name,
        head: 0,
        ring: new Array<HubMessage | undefined>(logSize),
        start: 0,
        length: 0,
        cids: new Map(),
        subscribers: new Set(),
        members: new Map(),
      };
      channels.set(name, log);
    }
    return log;
  }

  function stored(log: ChannelLog): HubMessage[] {
    const out: HubMessage[] = [];
    for (let i = 0; i < log.length; i += 1) out.push(log.ring[(log.start + i) % logSize] as HubMessage);
    return out;
  }

  function append(log: ChannelLog, message: HubMessage) {
    if (logSize === 0) return;
    if (log.length < logSize) {
      log.ring[(log.start + log.length) % logSize] = message;
      log.length += 1;
    } else {
      log.ring[log.start] = message;
      log.start = (log.start + 1) % logSize;
    }
  }

  function remember(log: ChannelLog, cid: string, result: { id: string; seq: number }) {
    if (dedupeSize === 0) return;
    log.cids.set(cid, result);
    if (log.cids.size > dedupeSize) {
      const oldest = log.cids.keys().next();
      if (!oldest.done) log.cids.delete(oldest.value);
    }
  }

  function send(session: SessionState, frame: ServerFrame) {
    if (session.closed) return;
    try {
      session.connection.send(frame);
    } catch (error) {
      end(session, true);
      onError(error, session.info);
    }
  }

  function store(log: ChannelLog, event: string, data: unknown, cid: string | undefined): { id: string; seq: number; fresh: boolean } {
    if (cid !== undefined) {
      const known = log.cids.get(cid);
      if (known) return { ...known, fresh: false };
    }
    log.head += 1;
    const message: HubMessage = Object.freeze({
      type: 'message',
      channel: log.name,
      id: createId(),
      seq: log.head,
      event,
      data,
      ...(cid === undefined ? {} : { cid }),
      at: now(),
    });
    append(log, message);
    const result = { id: message.id, seq: message.seq };
    if (cid !== undefined) remember(log, cid, result);
    for (const subscriber of [...log.subscribers]) send(subscriber, message);
    return { ...result, fresh: true };
  }

  function members(log: ChannelLog): PresenceMember[] {
    return [...log.members].map(([userId, member]) => toMember(userId, member));
  }

  function broadcastPresence(log: ChannelLog, action: 'enter' | 'update' | 'leave', userId: string, member: Member) {
    const frame: ServerFrame = { type: 'presence', channel: log.name, action, member: toMember(userId, member) };
    for (const subscriber of [...log.subscribers]) send(subscriber, frame);
  }

  function presenceEnter(session: SessionState, log: ChannelLog, data: unknown) {
    const key = session.presenceKey;
    const member = log.members.get(key);
    if (!member) {
      const created: Member = { data, sessions: new Set([session]) };
      log.members.set(key, created);
      session.present.add(log);
      broadcastPresence(log, 'enter', key, created);
      return;
    }
    // Another tab of a present user, or a repeated enter: the member stays, its count or data changes.
    const added = !member.sessions.has(session);
    member.sessions.add(session);
    session.present.add(log);
    const changed = data !== undefined && !Object.is(data, member.data);
    if (changed) member.data = data;
    if (added || changed) broadcastPresence(log, 'update', key, member);
  }

  function presenceLeave(session: SessionState, log: ChannelLog) {
    const key = session.presenceKey;
    const member = log.members.get(key);
    session.present.delete(log);
    if (!member || !member.sessions.delete(session)) return;
    if (member.sessions.size === 0) {
      log.members.delete(key);
      broadcastPresence(log, 'leave', key, member);
    } else {
      broadcastPresence(log, 'update', key, member);
    }
  }

  function subscribe(session: SessionState, log: ChannelLog, after: number | undefined) {
    log.subscribers.add(session);
    session.subscriptions.add(log);
    if (after !== undefined && after < log.head) {
      const oldest = log.head - log.length + 1;
      if (after + 1 < oldest) send(session, { type: 'gap', channel: log.name, from: after + 1, to: oldest - 1 });
      for (const message of stored(log)) if (message.seq > after) send(session, message);
    }
    send(session, { type: 'presence', channel: log.name, action: 'sync', members: members(log) });
    send(session, { type: 'subscribed', channel: log.name, seq: log.head });
  }

  function unsubscribe(session: SessionState, log: ChannelLog) {
    log.subscribers.delete(session);
    session.subscriptions.delete(log);
  }

  function end(session: SessionState, notifyConnection: boolean) {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session);
    for (const log of [...session.subscriptions]) unsubscribe(session, log);
    for (const log of [...session.present]) presenceLeave(session, log);
    if (notifyConnection) {
      try {
        session.connection.close?.();
      } catch (error) {
        onError(error, session.info);
      }
    }
  }

  function refuse(session: SessionState, code: RealtimeErrorCode, message: string, channel?: string) {
    send(session, { type: 'error', error: { code, message }, ...(channel === undefined ? {} : { channel }) });
  }

  /** Runs `then` with the session's permission for `channel`: synchronously when `authorize` is. */
  function withPermission(session: SessionState, channel: string, then: (allowed: boolean) => void): void | Promise<void> {
    if (!authorize) return then(true);
    let answer = session.allowed.get(channel);
    if (answer === undefined) {
      try {
        answer = authorize(session.info, channel);
      } catch (error) {
        onError(error, session.info);
        answer = false;
      }
      session.allowed.set(channel, answer);
    }
    if (typeof answer === 'boolean') return then(answer);
    return answer.then(
      (allowed) => {
        session.allowed.set(channel, allowed === true);
        if (!session.closed) then(allowed === true);
      },
      (error: unknown) => {
        session.allowed.set(channel, false);
        onError(error, session.info);
        if (!session.closed) then(false);
      },
    );
  }

  function handle(session: SessionState, frame: ClientFrame): void | Promise<void> {
    if (session.closed) return;
    if (frame === null || typeof frame !== 'object') return refuse(session, 'bad_frame', 'A frame must be a JSON object.');
    if (!FRAME_TYPES.has(frame.type)) {
      return refuse(session, 'bad_frame', `Unknown frame type "${String((frame as { type?: unknown }).type)}".`);
    }
    if (frame.type === 'ping') {
      send(session, { type: 'pong', t: frame.t });
      return;
    }
    if (typeof (frame as { channel?: unknown }).channel !== 'string' || (frame as { channel: string }).channel === '') {
      return refuse(session, 'bad_frame', `A "${String(frame.type)}" frame needs a non-empty "channel" string.`);
    }
    const name = frame.channel;
    const unauthorized = `Not allowed to use channel "${name}": check the server's authorize() for this user.`;
    switch (frame.type) {
      case 'subscribe': {
        const after = frame.after;
        if (after !== undefined && (typeof after !== 'number' || !Number.isFinite(after) || after < 0)) {
          return refuse(session, 'bad_frame', `"after" must be a non-negative number (got ${String(after)}).`, name);
        }
        return withPermission(session, name, (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          subscribe(session, channelLog(name), after === undefined ? undefined : Math.floor(after));
        });
      }
      case 'unsubscribe': {
        const log = channels.get(name);
        if (log) unsubscribe(session, log);
        return;
      }
      case 'publish': {
        const { cid, event } = frame;
        if (typeof cid !== 'string' || cid === '' || typeof event !== 'string' || event === '') {
          if (typeof cid === 'string' && cid !== '') {
            send(session, { type: 'nack', cid, channel: name, error: { code: 'bad_frame', message: 'A publish needs a non-empty "event" string.' } });
            return;
          }
          return refuse(session, 'bad_frame', 'A publish needs non-empty "cid" and "event" strings.', name);
        }
        return withPermission(session, name, (allowed) => {
          if (!allowed) {
            send(session, { type: 'nack', cid, channel: name, error: { code: 'unauthorized', message: unauthorized } });
            return;
          }
          const result = store(channelLog(name), event, frame.data, cid);
          send(session, { type: 'ack', cid, channel: name, id: result.id, seq: result.seq });
        });
      }
      case 'presence': {
        const action = frame.action;
        if (action !== 'enter' && action !== 'update' && action !== 'leave') {
          return refuse(session, 'bad_frame', `Unknown presence action "${String(action)}": use enter, update or leave.`, name);
        }
        return withPermission(session, name, (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          const log = channelLog(name);
          if (action === 'leave') return presenceLeave(session, log);
          if (action === 'enter' || session.present.has(log)) return presenceEnter(session, log, frame.data);
          refuse(session, 'bad_frame', 'A presence "update" needs an "enter" first on this connection.', name);
        });
      }
      default: {
        const unknown: never = frame;
        return refuse(session, 'bad_frame', `Unknown frame type "${String((unknown as { type?: unknown }).type)}".`);
      }
    }
  }

  return {
    connect(connection) {
      const id = createId();
      const info: HubSessionInfo = Object.freeze({ id, userId: connection.userId });
      const session: SessionState = {
        info,
        presenceKey: connection.userId ?? id,
        connection,
        subscriptions: new Set(),
        present: new Set(),
        allowed: new Map(),
        chain: null,
        closed: false,
      };
      sessions.add(session);
      send(session, { type: 'welcome', v: PROTOCOL_VERSION, connectionId: id, heartbeatMs });
      return {
        id,
        receive(frame) {
          const run = () => handle(session, frame);
          const result = session.chain ? session.chain.then(run, run) : run();
          if (result === undefined) return;
          session.chain = result;
          const release = () => {
            if (session.chain === result) session.chain = null;
          };
          void result.then(release, release);
          return result;
        },
        close() {
          end(session, false);
        },
      };
    },
    publish(channel, event, data, publishOptions = {}) {
      const { id, seq } = store(channelLog(channel), event, data, publishOptions.cid);
      return { id, seq };
    },
    messages(channel) {
      const log = channels.get(channel);
      return log ? stored(log) : [];
    },
    presence(channel) {
      const log = channels.get(channel);
      return log ? members(log) : [];
    },
    seq(channel) {
      return channels.get(channel)?.head ?? 0;
    },
    get sessions() {
      return sessions.size;
    },
    reset(resetOptions = {}) {
      for (const session of [...sessions]) end(session, true);
      if (!resetOptions.dropLogs) return;
      for (const log of channels.values()) {
        log.ring.fill(undefined);
        log.start = 0;
        log.length = 0;
        log.cids.clear();
      }
    },
  };
}

function toMember(userId: string, member: Member): PresenceMember {
  return { userId, data: member.data, connections: member.sessions.size };
}
