import { reportListenerError } from '../lib/report-listener-error.js';
import { randomId } from '../lib/random-id.js';
import type { RealtimeErrorCode } from '../errors.js';
import { createMemoryBroker, type BrokerSubscription, type ChannelBroker, type ChannelHistory, type HubMessage, type MaybePromise, type MemoryBroker, type MemoryBrokerOptions, type PublishOutcome } from './broker.js';
import { PROTOCOL_VERSION, type ClientFrame, type FrameError, type PresenceMember, type PresenceStatus, type ServerFrame } from './frames.js';
import { mostPresent } from './most-present.js';

export type { HubMessage } from './broker.js';

/** Who a session is, as `authorize` and `admit` see it. */
export interface HubSessionInfo {
  /** The session's id (the `connectionId` of its `welcome` frame). */
  readonly id: string;
  /** The authenticated user, when the connection has one. */
  readonly userId: string | undefined;
}

/** Options for {@link createChannelHub}. */
export interface ChannelHubOptions<B extends ChannelBroker = MemoryBroker> extends MemoryBrokerOptions {
  /**
   * Where messages are stored and how they reach other server instances. Default a `createMemoryBroker` built
   * from `logSize`, `dedupeSize`, `now` and `createId` (which are ignored when a broker is given).
   */
  broker?: B;
  /**
   * Whether a session may use a channel (subscribe, publish, presence). Asked once per session and channel;
   * the answer is kept for the session's lifetime. Refusals are `nack`ed (publish) or answered with an `error`
   * frame carrying the channel (subscribe, presence), code `unauthorized`. Default: everything is allowed.
   */
  authorize?: (session: HubSessionInfo, channel: string) => boolean | Promise<boolean>;
  /**
   * Asked for every well-formed frame except `ping`, after `authorize`, in the session's frame order: return an
   * error to refuse it (a publish is `nack`ed with it, other frames answered with an `error` frame for the
   * channel), nothing to let it through. The server kit puts rate limits and payload validation here.
   */
  admit?: (session: HubSessionInfo, frame: Exclude<ClientFrame, { type: 'ping' }>) => MaybePromise<FrameError | null | undefined>;
  /**
   * A message was stored (or a repeated `cid` acknowledged again, `fresh: false`): for audit trails and metrics.
   * `session` is the publishing session, undefined for `hub.publish`. Must not throw (a throw goes to `onError`).
   */
  onStored?: (session: HubSessionInfo | undefined, stored: StoredInfo) => void;
  /** Sent in `welcome`: how often clients should ping. Default 25 000. */
  heartbeatMs?: number;
  /**
   * A connection's `send` threw, or the broker failed: the hub closes that session (so one broken connection
   * cannot stop a broadcast) and reports the error here. Default: reported like a throwing listener
   * (`reportError`, else an uncaught exception in a microtask).
   */
  onError?: (error: unknown, session: HubSessionInfo) => void;
}

/** What {@link ChannelHubOptions.onStored} is told about a stored message. */
export interface StoredInfo {
  readonly channel: string;
  readonly event: string;
  readonly id: string;
  readonly seq: number;
  /** False when the `cid` was already stored: nothing was stored this time. */
  readonly fresh: boolean;
}

/** A connection as the hub sees it: somewhere to send frames. */
export interface HubConnection {
  /** Sends one frame to the client. Called synchronously from `connect`, `receive` and deliveries. */
  send(frame: ServerFrame): void;
  /** The authenticated user; presence is keyed by it. Anonymous sessions are keyed by their session id. */
  userId?: string;
  /** Called when the hub itself ends the session (`reset()`, a `send` that threw, a broker failure): close the connection. */
  close?(): void;
}

/** One client connection to the hub. */
export interface HubSession {
  /** The session id; also the `connectionId` of the `welcome` frame. */
  readonly id: string;
  /**
   * Handles one frame from the client. Frames of one session are handled in arrival order even when
   * `authorize`, `admit` or the broker are asynchronous: the returned promise (only then) settles once this frame is done.
   */
  receive(frame: ClientFrame): void | Promise<void>;
  /** The connection is gone: unsubscribes everything and leaves presence. Idempotent. */
  close(): void;
}

/** Options for {@link ChannelHub.reset}. */
export interface HubResetOptions {
  /**
   * Also forget every channel's stored messages and `cid`s (as a server whose log was lost; memory broker only).
   * Sequence numbers are NOT reused: the next message continues the count, so resuming clients get a `gap`.
   */
  dropLogs?: boolean;
}

/** What {@link ChannelHub.publish} answers: synchronously over a memory broker, as a promise over a networked one. */
export type HubPublishResult<B extends ChannelBroker> = B extends MemoryBroker ? HubReceipt : MaybePromise<HubReceipt>;

/** The stored message's id and sequence number. */
export interface HubReceipt {
  readonly id: string;
  readonly seq: number;
}

/** The reference server side of the channel protocol, free of any transport. See {@link createChannelHub}. */
export interface ChannelHub<B extends ChannelBroker = MemoryBroker> {
  /** Opens a session for a new connection and sends it `welcome`. */
  connect(connection: HubConnection): HubSession;
  /**
   * Publishes from the server (a Server Action, a job): stored, numbered and sent to subscribers (on every
   * instance sharing the broker). With a `cid` already stored on that channel, nothing is stored or sent again
   * and the first `{ id, seq }` is returned. Rejects (never acknowledging) when the broker could not store it.
   */
  publish(channel: string, event: string, data: unknown, options?: { cid?: string }): HubPublishResult<B>;
  /** A channel's presence set, as this process sees it (presence is per process; see PROTOCOL.md). */
  presence(channel: string): readonly PresenceMember[];
  /** Where messages are stored: read `broker.messages(channel)` / `broker.head(channel)` on a memory broker. */
  readonly broker: B;
  /** Open sessions. */
  readonly sessions: number;
  /**
   * A server restart: every session is ended (each connection's `close` is called; subscriptions and presence
   * are gone) while the message logs are kept, as on a server with a persistent log. With `dropLogs`, the logs
   * are lost too. Clients reconnect, resubscribe with their resume points and re-send un-acked publishes.
   */
  reset(options?: HubResetOptions): void;
}

export { DEFAULT_LOG_SIZE } from './broker.js';
const DEFAULT_HEARTBEAT_MS = 25_000;
const FRAME_TYPES: ReadonlySet<string> = new Set<ClientFrame['type']>(['subscribe', 'unsubscribe', 'publish', 'presence', 'signal', 'ping']);
const PRESENCE_STATUSES: ReadonlySet<unknown> = new Set<PresenceStatus>(['active', 'idle', 'away']);
/** `history(channel, LIVE_EDGE)` asks for the head only. */
const LIVE_EDGE = Number.MAX_SAFE_INTEGER;

interface Member {
  data: unknown;
  /** Each present connection of the user, with its own status; the member is as present as the most present one. */
  readonly sessions: Map<SessionState, PresenceStatus>;
}

/** This process's view of one channel: who is subscribed here, who is present here, the broker subscription. */
interface ChannelState {
  readonly name: string;
  readonly subscribers: Set<SessionState>;
  readonly members: Map<string, Member>;
  subscription: BrokerSubscription | null;
}

/** Where one session stands on one channel. */
interface Cursor {
  /** The newest seq sent to this session (or skipped by a `gap`). */
  sent: number;
  /** While a replay is read from the broker: live messages held back until it is sent. */
  held: HubMessage[] | null;
}

interface SessionState {
  readonly info: HubSessionInfo;
  readonly presenceKey: string;
  readonly connection: HubConnection;
  readonly cursors: Map<ChannelState, Cursor>;
  readonly present: Set<ChannelState>;
  readonly allowed: Map<string, boolean | Promise<boolean>>;
  /** The tail of this session's frame chain while an asynchronous step is pending. */
  chain: Promise<void> | null;
  closed: boolean;
}

/**
 * The reference server semantics of the channel protocol (see `frames.ts` and PROTOCOL.md), with no transport:
 * `@realtime-kit/server` puts it behind WebSockets, SSE and Socket.io, the test kit behind an in-memory transport.
 * Messages live in a {@link ChannelBroker} (default in memory; Redis for many instances).
 *
 * - Every channel numbers its messages 1, 2, 3, … and the broker keeps the newest for replay.
 * - `subscribe { after }` replays every kept message with `seq > after`; when the log no longer reaches back to
 *   `after + 1` it first sends `gap { from: after + 1, to: oldest - 1 }`. Then presence `sync`, then `subscribed`.
 *   Each session gets every seq at most once and in order: a hole in live delivery is refilled from the log.
 * - `publish` is idempotent by `cid` per channel: a repeat is acked again with the same `id`/`seq` and not re-sent;
 *   an ack is sent only once the broker has stored the message.
 * - Presence is one member per `userId`, counting that user's connections: `enter` when the first connection
 *   enters, `update` for data or count changes, `leave` when the last connection leaves or disconnects.
 * @example
 * const hub = createChannelHub({ authorize: (session, channel) => !channel.startsWith('private-') })
 * const session = hub.connect({ send: (frame) => socket.send(JSON.stringify(frame)), userId })
 * socket.onmessage = (event) => session.receive(JSON.parse(event.data))
 * socket.onclose = () => session.close()
 */
export function createChannelHub<B extends ChannelBroker = MemoryBroker>(options: ChannelHubOptions<B> = {}): ChannelHub<B> {
  const broker = (options.broker ??
    createMemoryBroker({ logSize: options.logSize, dedupeSize: options.dedupeSize, now: options.now, createId: options.createId })) as B;
  const createId = options.createId ?? randomId;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const { authorize, admit, onStored } = options;
  const onError = options.onError ?? ((error: unknown) => reportListenerError(error));

  const channels = new Map<string, ChannelState>();
  const sessions = new Set<SessionState>();

  function channelState(name: string): ChannelState {
    let state = channels.get(name);
    if (!state) {
      state = { name, subscribers: new Set(), members: new Map(), subscription: null };
      channels.set(name, state);
    }
    return state;
  }

  function release(state: ChannelState) {
    if (state.subscribers.size > 0) return;
    state.subscription?.close();
    state.subscription = null;
    if (state.members.size === 0) channels.delete(state.name);
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

  /** A broker failure that leaves a session's stream uncertain: end it, so the client reconnects and resumes. */
  function fail(session: SessionState, error: unknown) {
    if (session.closed) return;
    end(session, true);
    onError(error, session.info);
  }

  function deliver(state: ChannelState, message: HubMessage) {
    for (const session of [...state.subscribers]) {
      const cursor = session.cursors.get(state);
      if (cursor) forward(session, state, cursor, message);
    }
  }

  /** Sends `message` to one session in seq order: duplicates are dropped, a hole is refilled from the log first. */
  function forward(session: SessionState, state: ChannelState, cursor: Cursor, message: HubMessage) {
    if (cursor.held) return void cursor.held.push(message);
    if (message.seq <= cursor.sent) return;
    if (message.seq > cursor.sent + 1) {
      cursor.held = [message];
      return void replay(session, state, cursor, cursor.sent);
    }
    cursor.sent = message.seq;
    send(session, message);
  }

  /**
   * Sends what the log holds after `after` (and a `gap` for what it lost), then the live messages held back
   * meanwhile (the caller has set `cursor.held`).
   */
  function replay(
    session: SessionState,
    state: ChannelState,
    cursor: Cursor,
    after: number,
    then?: (history: ChannelHistory) => void,
    failed: (error: unknown) => void = (error) => fail(session, error),
  ): void | Promise<void> {
    const finish = (history: ChannelHistory) => {
      if (session.closed || session.cursors.get(state) !== cursor) return;
      cursor.sent = after === LIVE_EDGE ? history.head : after;
      for (const message of history.messages) sendInOrder(session, cursor, message);
      if (history.head > cursor.sent) {
        // The log kept nothing past `after` (logSize 0, or trimmed away): all of it is a gap.
        send(session, { type: 'gap', channel: state.name, from: cursor.sent + 1, to: history.head });
        cursor.sent = history.head;
      }
      const waiting = cursor.held ?? [];
      cursor.held = null;
      for (const message of waiting) sendInOrder(session, cursor, message);
      then?.(history);
    };
    return settle(() => broker.history(state.name, after), finish, failed);
  }

  /** Within a replay: what the log cannot supply any more is announced as a `gap`, never silently skipped. */
  function sendInOrder(session: SessionState, cursor: Cursor, message: HubMessage) {
    if (message.seq <= cursor.sent) return;
    if (message.seq > cursor.sent + 1) send(session, { type: 'gap', channel: message.channel, from: cursor.sent + 1, to: message.seq - 1 });
    cursor.sent = message.seq;
    send(session, message);
  }

  function members(state: ChannelState): PresenceMember[] {
    return [...state.members].map(([userId, member]) => toMember(userId, member));
  }

  function broadcastPresence(state: ChannelState, action: 'enter' | 'update' | 'leave', userId: string, member: Member) {
    const frame: ServerFrame = { type: 'presence', channel: state.name, action, member: toMember(userId, member) };
    for (const subscriber of [...state.subscribers]) send(subscriber, frame);
  }

  function presenceEnter(session: SessionState, state: ChannelState, data: unknown, status: PresenceStatus | undefined) {
    const key = session.presenceKey;
    const member = state.members.get(key);
    if (!member) {
      const created: Member = { data, sessions: new Map([[session, status ?? 'active']]) };
      state.members.set(key, created);
      session.present.add(state);
      broadcastPresence(state, 'enter', key, created);
      return;
    }
    // Another tab of a present user, or a repeated enter or update: the member stays; its count, data or status changes.
    const before = memberStatus(member);
    const added = !member.sessions.has(session);
    member.sessions.set(session, status ?? member.sessions.get(session) ?? 'active');
    session.present.add(state);
    const changed = data !== undefined && !Object.is(data, member.data);
    if (changed) member.data = data;
    if (added || changed || memberStatus(member) !== before) broadcastPresence(state, 'update', key, member);
  }

  function presenceLeave(session: SessionState, state: ChannelState) {
    const key = session.presenceKey;
    const member = state.members.get(key);
    session.present.delete(state);
    if (!member?.sessions.delete(session)) return;
    if (member.sessions.size === 0) {
      state.members.delete(key);
      broadcastPresence(state, 'leave', key, member);
      release(state);
    } else {
      broadcastPresence(state, 'update', key, member);
    }
  }

  /**
   * Signals go to this process's other subscribers of the channel only: never stored, never through the broker
   * (they are not worth a round trip to Redis; see PROTOCOL.md).
   */
  function relaySignal(session: SessionState, channel: string, event: string, data: unknown) {
    const state = channels.get(channel);
    if (!state) return;
    const frame: ServerFrame = { type: 'signal', channel, event, data, from: session.presenceKey };
    for (const subscriber of [...state.subscribers]) if (subscriber !== session) send(subscriber, frame);
  }

  function subscribe(session: SessionState, state: ChannelState, after: number | undefined): void | Promise<void> {
    state.subscribers.add(session);
    state.subscription ??= broker.subscribe(state.name, (message) => deliver(state, message));
    // Live messages are held from now until the replay (or the head, for a fresh subscription) is read.
    const cursor: Cursor = { sent: 0, held: [] };
    session.cursors.set(state, cursor);
    const refused = (error: unknown) => {
      if (session.closed || session.cursors.get(state) !== cursor) return;
      unsubscribe(session, state);
      refuse(session, 'unavailable', `Could not subscribe to "${state.name}": the message store is unavailable. Retry shortly.`, state.name);
      onError(error, session.info);
    };
    return settle(
      () => state.subscription?.ready,
      () => {
        if (session.closed || session.cursors.get(state) !== cursor) return;
        // A fresh subscription (no `after`) starts at the live edge: the head as the log answers it.
        const subscribed = (history: ChannelHistory) => {
          send(session, { type: 'presence', channel: state.name, action: 'sync', members: members(state) });
          send(session, { type: 'subscribed', channel: state.name, seq: Math.max(history.head, cursor.sent) });
        };
        return replay(session, state, cursor, after ?? LIVE_EDGE, subscribed, refused);
      },
      refused,
    );
  }

  function unsubscribe(session: SessionState, state: ChannelState) {
    state.subscribers.delete(session);
    session.cursors.delete(state);
    release(state);
  }

  function end(session: SessionState, notifyConnection: boolean) {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session);
    for (const state of [...session.cursors.keys()]) unsubscribe(session, state);
    for (const state of [...session.present]) presenceLeave(session, state);
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
  function withPermission(session: SessionState, channel: string, then: (allowed: boolean) => void | Promise<void>): void | Promise<void> {
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
        if (!session.closed) return then(allowed === true);
      },
      (error: unknown) => {
        session.allowed.set(channel, false);
        onError(error, session.info);
        if (!session.closed) return then(false);
      },
    );
  }

  /** Runs `then` unless `admit` refuses the frame; a refusal goes to `refused`. */
  function withAdmission(
    session: SessionState,
    frame: Exclude<ClientFrame, { type: 'ping' }>,
    refused: (error: FrameError) => void,
    then: () => void | Promise<void>,
  ): void | Promise<void> {
    if (!admit) return then();
    return settle(
      () => admit(session.info, frame),
      (verdict) => {
        if (session.closed) return;
        if (verdict) return refused(verdict);
        return then();
      },
      (error) => {
        onError(error, session.info);
        refused({ code: 'server_error', message: 'The server failed to check this frame.' });
      },
    );
  }

  // Publishing needs no local channel state (only subscribers and presence do), so none is created for it.
  function publish(session: SessionState, channel: string, frame: Extract<ClientFrame, { type: 'publish' }>): void | Promise<void> {
    const { cid } = frame;
    const nack = (error: FrameError) => send(session, { type: 'nack', cid, channel, error });
    return settle(
      () => broker.publish(channel, { event: frame.event, data: frame.data, cid }),
      (outcome) => {
        stored(session.info, channel, frame.event, outcome);
        send(session, { type: 'ack', cid, channel, id: outcome.id, seq: outcome.seq });
      },
      (error) => {
        onError(error, session.info);
        nack({ code: 'unavailable', message: 'The message could not be stored (the message store is unavailable): nothing was published. Retry.' });
      },
    );
  }

  function stored(session: HubSessionInfo | undefined, channel: string, event: string, outcome: PublishOutcome) {
    if (!onStored) return;
    try {
      onStored(session, { channel, event, id: outcome.id, seq: outcome.seq, fresh: outcome.fresh });
    } catch (error) {
      onError(error, session ?? { id: '', userId: undefined });
    }
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
    // `admit`'s refusal goes out whole: a rate limit keeps its `retryAfterMs`.
    const refuseOnChannel = (error: FrameError) => send(session, { type: 'error', error, channel: name });
    switch (frame.type) {
      case 'subscribe': {
        const after = frame.after;
        if (after !== undefined && (typeof after !== 'number' || !Number.isFinite(after) || after < 0)) {
          return refuse(session, 'bad_frame', `"after" must be a non-negative number (got ${String(after)}).`, name);
        }
        return withPermission(session, name, (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          return withAdmission(session, frame, refuseOnChannel, () =>
            subscribe(session, channelState(name), after === undefined ? undefined : Math.floor(after)),
          );
        });
      }
      case 'unsubscribe': {
        const state = channels.get(name);
        if (state) unsubscribe(session, state);
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
        const nack = (error: FrameError) => send(session, { type: 'nack', cid, channel: name, error });
        return withPermission(session, name, (allowed) => {
          if (!allowed) return nack({ code: 'unauthorized', message: unauthorized });
          return withAdmission(session, frame, nack, () => publish(session, name, frame));
        });
      }
      case 'presence': {
        const action = frame.action;
        if (action !== 'enter' && action !== 'update' && action !== 'leave') {
          return refuse(session, 'bad_frame', `Unknown presence action "${String(action)}": use enter, update or leave.`, name);
        }
        return withPermission(session, name, (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          const status = frame.status;
          if (status !== undefined && !PRESENCE_STATUSES.has(status)) {
            return refuse(session, 'bad_frame', `Unknown presence status "${String(status)}": use active, idle or away.`, name);
          }
          return withAdmission(session, frame, refuseOnChannel, () => {
            const state = channelState(name);
            if (action === 'leave') return presenceLeave(session, state);
            if (action === 'enter' || session.present.has(state)) return presenceEnter(session, state, frame.data, status);
            refuse(session, 'bad_frame', 'A presence "update" needs an "enter" first on this connection.', name);
            release(state);
          });
        });
      }
      case 'signal': {
        const { event } = frame;
        if (typeof event !== 'string' || event === '') return refuse(session, 'bad_frame', 'A signal needs a non-empty "event" string.', name);
        return withPermission(session, name, (allowed) => {
          if (!allowed) return refuse(session, 'unauthorized', unauthorized, name);
          return withAdmission(session, frame, refuseOnChannel, () => relaySignal(session, name, event, frame.data));
        });
      }
      default: {
        const unknown: never = frame;
        return refuse(session, 'bad_frame', `Unknown frame type "${String((unknown as { type?: unknown }).type)}".`);
      }
    }
  }

  return {
    broker,
    connect(connection) {
      const id = createId();
      const info: HubSessionInfo = Object.freeze({ id, userId: connection.userId });
      const session: SessionState = {
        info,
        presenceKey: connection.userId ?? id,
        connection,
        cursors: new Map(),
        present: new Set(),
        allowed: new Map(),
        chain: null,
        closed: false,
      };
      sessions.add(session);
      send(session, {
        type: 'welcome',
        v: PROTOCOL_VERSION,
        connectionId: id,
        heartbeatMs,
        ...(connection.userId === undefined ? {} : { userId: connection.userId }),
      });
      return {
        id,
        receive(frame) {
          const run = () => handle(session, frame);
          const result = session.chain ? session.chain.then(run, run) : run();
          if (result === undefined) return;
          session.chain = result;
          const clear = () => {
            if (session.chain === result) session.chain = null;
          };
          void result.then(clear, clear);
          return result;
        },
        close() {
          end(session, false);
        },
      };
    },
    publish(channel, event, data, publishOptions = {}) {
      return settle(
        () => broker.publish(channel, { event, data, cid: publishOptions.cid }),
        (outcome) => {
          stored(undefined, channel, event, outcome);
          return { id: outcome.id, seq: outcome.seq };
        },
      ) as HubPublishResult<B>;
    },
    presence(channel) {
      const state = channels.get(channel);
      return state ? members(state) : [];
    },
    get sessions() {
      return sessions.size;
    },
    reset(resetOptions = {}) {
      for (const session of [...sessions]) end(session, true);
      if (!resetOptions.dropLogs) return;
      const clear = (broker as Partial<MemoryBroker>).clear;
      if (typeof clear !== 'function') throw new TypeError('reset({ dropLogs: true }) needs a broker with clear() (the memory broker).');
      clear.call(broker);
    },
  };
}

function toMember(userId: string, member: Member): PresenceMember {
  return { userId, data: member.data, connections: member.sessions.size, status: memberStatus(member) };
}

function memberStatus(member: Member): PresenceStatus {
  return mostPresent(member.sessions.values());
}

/**
 * Runs `step` and passes its value to `then`: synchronously when `step` answers synchronously (the memory broker
 * keeps the whole hub synchronous), after it settles when it returns a promise. A throw or rejection goes to
 * `fail` (rethrown without one).
 */
function settle<T, R>(step: () => MaybePromise<T>, then: (value: T) => R, fail?: (error: unknown) => R): R | Promise<Awaited<R>> {
  let value: MaybePromise<T>;
  try {
    value = step();
  } catch (error) {
    if (!fail) throw error;
    return fail(error);
  }
  if (value instanceof Promise) return value.then(then, fail) as Promise<Awaited<R>>;
  return then(value);
}
