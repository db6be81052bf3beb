// ably is imported for types only: this entry has no runtime dependency on it (it is an optional peer), the app
// passes in the Realtime client it created.
import type * as Ably from 'ably';
import type { Transport } from '../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import type { ClientFrame, FrameError, PresenceMember, PresenceStatus, ServerFrame } from '../protocol/frames.js';
import { mostPresent } from '../protocol/most-present.js';
import { createTransportListeners } from './transport-events.js';

/** The Ably message name that carries signals (typing, read receipts): ephemeral, never stored, never echoed to the sender. */
export const ABLY_SIGNAL_NAME = 'rk:signal';

/** Default of {@link AblyTransportOptions.echoTimeoutMs}. */
export const DEFAULT_ABLY_ECHO_TIMEOUT_MS = 2000;
/** Default of {@link AblyTransportOptions.replayLimit}. */
export const DEFAULT_ABLY_REPLAY_LIMIT = 1000;
/** Default of {@link AblyTransportOptions.historyPageLimit}. */
export const DEFAULT_ABLY_HISTORY_PAGE_LIMIT = 100;
/** Default of {@link AblyTransportOptions.historyMaxPages}. */
export const DEFAULT_ABLY_HISTORY_MAX_PAGES = 10;

// ---- the part of ably's Realtime client this transport uses ---------------------------------------------------
// Built from ably's own types; `Ably.Realtime` must stay assignable to `AblyRealtimeLike` (checked in the tests).

/** The part of an Ably channel's `presence` the transport uses. */
export interface AblyPresenceLike {
  enter(data?: unknown): Promise<void>;
  update(data?: unknown): Promise<void>;
  leave(data?: unknown): Promise<void>;
  get(params?: Ably.RealtimePresenceParams): Promise<Ably.PresenceMessage[]>;
  subscribe(listener?: Ably.messageCallback<Ably.PresenceMessage>): Promise<void>;
  unsubscribe(listener: Ably.messageCallback<Ably.PresenceMessage>): void;
}

/** The part of an Ably `RealtimeChannel` the transport uses. */
export interface AblyChannelLike {
  readonly name: string;
  readonly state: Ably.ChannelState;
  readonly presence: AblyPresenceLike;
  attach(): Promise<Ably.ChannelStateChange | null>;
  detach(): Promise<void>;
  subscribe(listener: Ably.messageCallback<Ably.InboundMessage>): Promise<Ably.ChannelStateChange | null>;
  unsubscribe(listener: Ably.messageCallback<Ably.InboundMessage>): void;
  publish(message: Ably.Message): Promise<Ably.PublishResult>;
  history(params?: Ably.RealtimeHistoryParams): Promise<Ably.PaginatedResult<Ably.InboundMessage>>;
  on(listener: Ably.channelEventCallback): void;
  off(listener: Ably.channelEventCallback): void;
}

/** The part of an Ably `Connection` the transport uses. */
export interface AblyConnectionLike {
  readonly state: Ably.ConnectionState;
  readonly id?: string;
  on(listener: Ably.connectionEventCallback): void;
  off(listener: Ably.connectionEventCallback): void;
  connect(): void;
  close(): void;
}

/** What {@link ablyTransport} needs of an `Ably.Realtime` client (which it is, structurally). */
export interface AblyRealtimeLike {
  readonly auth: { readonly clientId: string };
  readonly connection: AblyConnectionLike;
  readonly channels: { get(name: string, options?: Ably.ChannelOptions): AblyChannelLike };
}

/** Options for {@link ablyTransport}. */
export interface AblyTransportOptions {
  /**
   * How long to wait for Ably's echo of our own publish before acknowledging it without one (the echo carries the
   * message's place in the channel). The message is then delivered to this client locally, and the echo, should it
   * still come, is dropped as a duplicate. Default 2000 ms.
   */
  echoTimeoutMs?: number;
  /**
   * Set to false when the Ably client was created with `echoMessages: false`: own publishes are then delivered to
   * this client locally as soon as Ably accepts them. Default true (Ably's default).
   */
  echoMessages?: boolean;
  /** Delivered messages kept per channel to replay a resubscribe (`after`) from. Default 1000. */
  replayLimit?: number;
  /** Messages per `history()` page when filling a gap after Ably lost continuity. Default 100 (Ably's maximum is 1000). */
  historyPageLimit?: number;
  /** Pages read at most to fill one gap; older missed messages are reported as a `gap`. Default 10. */
  historyMaxPages?: number;
}

/** A {@link Transport} over an Ably Realtime client. */
export interface AblyTransport extends Transport {
  readonly kind: 'ably';
  /** The Ably client it runs on. */
  readonly ably: AblyRealtimeLike;
}

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;
type PresenceFrameIn = Extract<ClientFrame, { type: 'presence' }>;

/** Our envelope inside an Ably message's `data`. */
interface Envelope {
  readonly rk: 1;
  readonly id: string;
  readonly cid: string;
  readonly data: unknown;
  readonly at: number;
}

/** Our presence payload inside an Ably presence message's `data`. */
interface PresencePayload {
  readonly rk: 1;
  readonly data: unknown;
  readonly status: PresenceStatus;
}

interface ConnectionPresence {
  readonly clientId: string;
  readonly data: unknown;
  readonly status: PresenceStatus;
  readonly timestamp: number;
  /** Arrival order, to break timestamp ties. */
  readonly order: number;
}

interface ChannelEntry {
  readonly name: string;
  readonly ably: AblyChannelLike;
  /** Our per-channel sequence: every message delivered gets the next number. */
  counter: number;
  /** Recently delivered frames, oldest first, for replaying a resubscribe. */
  readonly log: MessageFrame[];
  /** Ably ids already delivered (insertion-ordered, bounded), to drop repeats. */
  readonly seen: Set<string>;
  /** cid → delivered frame, for acks that arrive after their echo. */
  readonly delivered: Map<string, MessageFrame>;
  /** Publishes accepted by Ably whose echo has not arrived yet. */
  readonly awaitingEcho: Map<string, ReturnType<typeof setTimeout>>;
  /** The newest delivered Ably message: where a history fill starts. */
  lastSeen: { readonly id: string; readonly timestamp: number } | null;
  /** Local time of the first attach of this subscription (the history anchor when no message was seen yet). */
  attachedAt: number | null;
  /** Our listeners are registered on the Ably channel. */
  active: boolean;
  /** Bumped on every (un)subscribe: callbacks of an older subscription are ignored. */
  generation: number;
  /** Filling a gap from history: live messages wait in `pendingLive`. */
  recovering: boolean;
  recoverAgain: boolean;
  readonly pendingLive: Ably.InboundMessage[];
  /** Presence per Ably member key (`connectionId:clientId`). */
  readonly members: Map<string, ConnectionPresence>;
  /** What we entered with, so an `update` without data keeps it. */
  own: { data: unknown; status: PresenceStatus } | null;
  readonly onMessage: (message: Ably.InboundMessage) => void;
  readonly onPresence: (message: Ably.PresenceMessage) => void;
  readonly onState: (change: Ably.ChannelStateChange) => void;
}

/**
 * The channel transport over Ably. Pass the `Ably.Realtime` client you created with token auth (`authUrl` or
 * `authCallback`, so every reconnect gets a fresh token) and `autoConnect: false` (the client connects when the first
 * channel is used). Channel names are Ably channel names.
 *
 * - **Messages** are Ably messages named after the event, with our envelope as `data` and our `cid` as Ably's message
 *   `id` (Ably's idempotent publishing: a re-sent publish is stored once). Ids, timestamps and echoes are Ably's; the
 *   transport numbers what it delivers per channel (1, 2, 3, …) and acks a publish once Ably accepted it and echoed it.
 * - **Resume.** Short drops are Ably's connection recovery (the channel resumes, nothing lost). When Ably reports lost
 *   continuity (`resumed: false`, e.g. after `suspended`), the missed messages are read from `history({ untilAttach })`
 *   and delivered before live ones, once each; if history cannot reach back to the last message seen, a `gap` is
 *   reported (`channel.onGap`).
 * - **Presence** is Ably presence with `clientId` as the user id: one member per clientId, `connections` counting its
 *   Ably connections; our data and status travel inside the presence data.
 * - **Signals** are Ably messages named {@link ABLY_SIGNAL_NAME} with `extras: { ephemeral: true }`: never stored, and
 *   never delivered back to the sending connection.
 * - **Errors**: Ably's `ErrorInfo` codes become `RealtimeError` codes (40142 → `token_expired`, other 401xx →
 *   `unauthorized`, 4016x and 403 → `forbidden`, 429xx → `rate_limited`, …), in the connection state and in `nack`s.
 *
 * @example
 * import * as Ably from 'ably'
 * import { ablyTransport } from '@realtime-kit/core/ably'
 * const ably = new Ably.Realtime({ authUrl: '/api/ably-token', autoConnect: false })
 * const client = createRealtimeClient({ transport: ablyTransport(ably) })
 */
export function ablyTransport(ably: AblyRealtimeLike, options: AblyTransportOptions = {}): AblyTransport {
  const echoTimeoutMs = options.echoTimeoutMs ?? DEFAULT_ABLY_ECHO_TIMEOUT_MS;
  const echoes = options.echoMessages ?? true;
  const replayLimit = Math.max(0, options.replayLimit ?? DEFAULT_ABLY_REPLAY_LIMIT);
  const historyPageLimit = options.historyPageLimit ?? DEFAULT_ABLY_HISTORY_PAGE_LIMIT;
  const historyMaxPages = Math.max(1, options.historyMaxPages ?? DEFAULT_ABLY_HISTORY_MAX_PAGES);
  const seenLimit = Math.max(replayLimit, historyPageLimit * historyMaxPages) + 100;

  const [addStateListener, emitState] = createTransportListeners<void>();
  const [addFrameListener, emit] = createTransportListeners<ServerFrame>();
  const channels = new Map<string, ChannelEntry>();
  let state: ConnectionState = INITIAL_CONNECTION_STATE;
  /** The current session's welcome: a frame listener added while open gets it first (an Ably client already connected). */
  let welcome: ServerFrame | null = null;
  /** close() was called: Ably's closing/closed are ours, not a failure. */
  let closing = false;
  /** reconnect() closed the connection and connects again once it is closed. */
  let reopening = false;
  /** Bumped every time a session opens. */
  let session = 0;
  let presenceOrder = 0;

  function setState(patch: Partial<ConnectionState>) {
    const next = Object.freeze({ ...INITIAL_CONNECTION_STATE, ...patch });
    if (next.status === state.status && next.error === state.error && next.attempt === state.attempt && next.retryInMs === state.retryInMs) return;
    state = next;
    emitState();
  }

  // ---- connection ------------------------------------------------------------------------------------------

  function welcomeFrame(): ServerFrame {
    const userId = ably.auth.clientId;
    return { type: 'welcome', v: 1, connectionId: ably.connection.id ?? '', heartbeatMs: 0, ...(isIdentified(userId) ? { userId } : {}) };
  }

  function opened() {
    session += 1;
    welcome = welcomeFrame();
    emit(welcome);
    setState({ status: 'open' });
  }

  function onConnectionChange(change: Ably.ConnectionStateChange) {
    const reason = change.reason ?? null;
    switch (change.current) {
      case 'initialized':
        return;
      case 'connecting':
        // A retry after `disconnected`/`suspended` stays `reconnecting`; a first attempt (or after close) is `connecting`.
        if (state.status === 'idle' || state.status === 'closed') setState({ status: 'connecting', attempt: state.attempt });
        else if (state.status === 'open') setState({ status: 'reconnecting', error: state.error, attempt: state.attempt });
        return;
      case 'connected':
        // An `update` while connected (e.g. a token renewed in place) is no new session.
        if (change.previous === 'connected' && state.status === 'open') return;
        reopening = false;
        return opened();
      case 'disconnected':
      case 'suspended': {
        const retryInMs = typeof change.retryIn === 'number' ? change.retryIn : null;
        const error = toRealtimeError(reason, 'network', `The Ably connection is ${change.current}; Ably reconnects by itself.`, true);
        setState({
          status: 'reconnecting',
          error,
          attempt: state.attempt + 1,
          retryInMs,
          retryAt: retryInMs === null ? null : Date.now() + retryInMs,
        });
        return;
      }
      case 'closing':
        if (reopening) return;
        setState({ status: 'closed', error: closing ? null : state.error, attempt: state.attempt });
        return;
      case 'closed':
        if (reopening) {
          closing = false;
          ably.connection.connect();
          return;
        }
        setState({ status: 'closed', error: closing ? null : state.error, attempt: state.attempt });
        return;
      case 'failed': {
        reopening = false;
        const error = toRealtimeError(
          reason,
          'closed',
          'The Ably connection failed and will not retry. Fix the cause (e.g. the token your authUrl/authCallback returns), then call reconnect().',
          false,
        );
        setState({ status: 'closed', error, attempt: state.attempt });
        return;
      }
    }
  }

  ably.connection.on(onConnectionChange);
  if (ably.connection.state === 'connected') {
    session = 1;
    welcome = welcomeFrame();
    state = Object.freeze({ ...INITIAL_CONNECTION_STATE, status: 'open' });
  } else if (ably.connection.state === 'connecting') {
    state = Object.freeze({ ...INITIAL_CONNECTION_STATE, status: 'connecting' });
  }

  function connect() {
    closing = false;
    const current = ably.connection.state;
    if (current === 'connected' || current === 'connecting' || current === 'disconnected' || current === 'suspended') return;
    if (current === 'closing') {
      reopening = true;
      return;
    }
    setState({ status: 'connecting', attempt: state.attempt });
    ably.connection.connect();
  }

  function close() {
    reopening = false;
    closing = true;
    setState({ status: 'closed' });
    const current = ably.connection.state;
    if (current !== 'closed' && current !== 'failed' && current !== 'initialized') ably.connection.close();
  }

  function reconnect() {
    const current = ably.connection.state;
    setState({ status: 'connecting' });
    if (current === 'closed' || current === 'failed' || current === 'initialized') {
      closing = false;
      reopening = false;
      ably.connection.connect();
      return;
    }
    // Closing first makes Ably drop the connection now (and forget it); it connects again once closed.
    reopening = true;
    closing = true;
    if (current !== 'closing') ably.connection.close();
  }

  function isOpen(): boolean {
    return state.status === 'open' && ably.connection.state === 'connected';
  }

  // ---- channels --------------------------------------------------------------------------------------------

  function entryFor(name: string): ChannelEntry {
    const existing = channels.get(name);
    if (existing) return existing;
    let entry!: ChannelEntry;
    const onMessage = (message: Ably.InboundMessage) => {
      if (!entry.active) return;
      if (message.name === ABLY_SIGNAL_NAME) return onSignalMessage(entry, message);
      if (entry.recovering) {
        entry.pendingLive.push(message);
        return;
      }
      deliver(entry, message);
    };
    const onPresence = (message: Ably.PresenceMessage) => {
      if (entry.active) applyPresence(entry, message);
    };
    const onState = (change: Ably.ChannelStateChange) => {
      if (!entry.active || change.current !== 'attached') return;
      if (entry.attachedAt === null) {
        entry.attachedAt = Date.now();
        return;
      }
      // Re-attached (or an `update` while attached) without continuity: fill the gap from history.
      if (!change.resumed) void recover(entry);
    };
    entry = {
      name,
      ably: ably.channels.get(name),
      counter: 0,
      log: [],
      seen: new Set(),
      delivered: new Map(),
      awaitingEcho: new Map(),
      lastSeen: null,
      attachedAt: null,
      active: false,
      generation: 0,
      recovering: false,
      recoverAgain: false,
      pendingLive: [],
      members: new Map(),
      own: null,
      onMessage,
      onPresence,
      onState,
    };
    channels.set(name, entry);
    return entry;
  }

  function activate(entry: ChannelEntry): Promise<unknown> {
    if (entry.active) return entry.ably.attach();
    entry.active = true;
    entry.generation += 1;
    entry.attachedAt = entry.ably.state === 'attached' ? Date.now() : null;
    entry.ably.on(entry.onState);
    // Both attach the channel (Ably's default attachOnSubscribe); the listeners stay registered if that fails.
    return Promise.all([entry.ably.subscribe(entry.onMessage), entry.ably.presence.subscribe(entry.onPresence)]);
  }

  function deactivate(entry: ChannelEntry) {
    if (!entry.active) return;
    entry.active = false;
    entry.generation += 1;
    entry.ably.off(entry.onState);
    entry.ably.unsubscribe(entry.onMessage);
    entry.ably.presence.unsubscribe(entry.onPresence);
    entry.lastSeen = null;
    entry.attachedAt = null;
    entry.recovering = false;
    entry.recoverAgain = false;
    entry.pendingLive.length = 0;
    entry.members.clear();
    if (entry.own === null) entry.ably.detach().catch(() => {});
  }

  async function subscribe(entry: ChannelEntry, after: number | undefined) {
    if (after !== undefined && after > entry.counter) entry.counter = after;
    const generation = entry.active ? entry.generation : entry.generation + 1;
    for (;;) {
      try {
        await activate(entry);
        if (entry.generation !== generation) return;
        await syncPresence(entry, generation);
        break;
      } catch (cause) {
        if (entry.generation !== generation || !isOpen() || isConnectionError(cause)) return;
        const code = mapAblyError(cause, 'unavailable');
        if (code === 'unauthorized' || code === 'token_expired' || code === 'forbidden') {
          const message = `Ably refused to attach "${entry.name}" (${describe(cause)}). Check the capabilities of the token your authUrl/authCallback returns.`;
          emit({ type: 'error', channel: entry.name, error: { code: code === 'forbidden' ? 'forbidden' : 'unauthorized', message } });
          return;
        }
        // A transient refusal (an attach timeout, a suspended channel): Ably attaches again by itself; finish then.
        if (!(await attachedAgain(entry, generation))) return;
      }
    }
    if (entry.generation !== generation) return;
    if (after !== undefined && after < entry.counter) replay(entry, after);
    emit({ type: 'subscribed', channel: entry.name, seq: entry.counter });
  }

  /** Resolves true when `entry`'s channel is attached next, false when the subscription ended first. */
  function attachedAgain(entry: ChannelEntry, generation: number): Promise<boolean> {
    return new Promise((resolve) => {
      const listener = (change: Ably.ChannelStateChange) => {
        if (entry.generation !== generation) finish(false);
        else if (change.current === 'attached') finish(true);
        else if (change.current === 'detached' || change.current === 'failed') finish(false);
      };
      const finish = (value: boolean) => {
        entry.ably.off(listener);
        resolve(value);
      };
      entry.ably.on(listener);
    });
  }

  /** Re-sends what this client missed after `after` from the log, or a `gap` for what the log no longer holds. */
  function replay(entry: ChannelEntry, after: number) {
    const first = entry.log[0]?.seq ?? entry.counter + 1;
    if (first > after + 1) emit({ type: 'gap', channel: entry.name, from: after + 1, to: first - 1 });
    for (const frame of entry.log) if (frame.seq > after) emit(frame);
  }

  async function syncPresence(entry: ChannelEntry, generation: number) {
    const members = await entry.ably.presence.get();
    if (entry.generation !== generation) return;
    entry.members.clear();
    for (const message of members) setConnectionPresence(entry, message);
    emit({ type: 'presence', channel: entry.name, action: 'sync', members: allMembers(entry) });
  }

  // ---- messages --------------------------------------------------------------------------------------------

  function deliver(entry: ChannelEntry, message: Ably.InboundMessage) {
    const id = message.id;
    if (typeof id !== 'string' || id === '' || entry.seen.has(id)) return;
    remember(entry.seen, id, seenLimit);
    const timestamp = typeof message.timestamp === 'number' ? message.timestamp : Date.now();
    entry.lastSeen = { id, timestamp };
    const envelope = asEnvelope(message.data);
    entry.counter += 1;
    const frame: MessageFrame = envelope
      ? { type: 'message', channel: entry.name, id, seq: entry.counter, event: message.name ?? '', data: envelope.data, cid: envelope.cid, at: timestamp }
      : { type: 'message', channel: entry.name, id, seq: entry.counter, event: message.name ?? '', data: message.data, at: timestamp };
    entry.log.push(frame);
    if (entry.log.length > replayLimit) entry.log.splice(0, entry.log.length - replayLimit);
    emit(frame);
    if (envelope) {
      entry.delivered.set(envelope.cid, frame);
      if (entry.delivered.size > replayLimit) entry.delivered.delete(entry.delivered.keys().next().value as string);
      const timer = entry.awaitingEcho.get(envelope.cid);
      if (timer !== undefined) {
        clearTimeout(timer);
        entry.awaitingEcho.delete(envelope.cid);
        ack(entry, envelope.cid, frame);
      }
    }
  }

  function ack(entry: ChannelEntry, cid: string, frame: MessageFrame | null) {
    emit({ type: 'ack', cid, channel: entry.name, id: frame?.id ?? cid, seq: frame?.seq ?? entry.counter });
  }

  function publish(frame: Extract<ClientFrame, { type: 'publish' }>) {
    const entry = entryFor(frame.channel);
    const { cid, event } = frame;
    if (event === ABLY_SIGNAL_NAME) {
      queueMicrotask(() =>
        emit({ type: 'nack', cid, channel: entry.name, error: { code: 'invalid_payload', message: `The event name "${ABLY_SIGNAL_NAME}" is reserved for signals.` } }),
      );
      return;
    }
    const envelope: Envelope = { rk: 1, id: cid, cid, data: frame.data, at: Date.now() };
    const sentIn = session;
    const message: Ably.Message = { id: cid, name: event, data: envelope };
    entry.ably.publish(message).then(
      () => published(entry, cid, event, envelope),
      (cause: unknown) => {
        // A publish lost with the connection is sent again by the client after reconnecting (same id: stored once).
        if (isConnectionError(cause) && (session !== sentIn || !isOpen())) return;
        emit({ type: 'nack', cid, channel: entry.name, error: toFrameError(cause, 'unavailable', `Ably refused the publish of "${event}"`) });
      },
    );
  }

  function published(entry: ChannelEntry, cid: string, event: string, envelope: Envelope) {
    const delivered = entry.delivered.get(cid);
    if (delivered) return ack(entry, cid, delivered);
    if (!entry.active) return ack(entry, cid, null);
    const deliverLocally = () => {
      entry.awaitingEcho.delete(cid);
      const local = {
        id: cid,
        name: event,
        data: envelope,
        timestamp: Date.now(),
        connectionId: ably.connection.id,
      } as Ably.InboundMessage;
      deliver(entry, local);
      ack(entry, cid, entry.delivered.get(cid) ?? null);
    };
    if (!echoes) return deliverLocally();
    if (entry.awaitingEcho.has(cid)) return;
    const wait = () => {
      const timer = setTimeout(() => {
        // While history fills a gap the echo may be queued behind it: wait for that first.
        if (entry.recovering) return wait();
        if (entry.awaitingEcho.has(cid)) deliverLocally();
      }, echoTimeoutMs);
      (timer as { unref?: () => void }).unref?.();
      entry.awaitingEcho.set(cid, timer);
    };
    wait();
  }

  /**
   * Ably lost continuity on `entry`: reads what was missed from history (newest first, back to the last message
   * seen, bounded by `untilAttach` so live messages are not read twice) and delivers it, then the live messages
   * held meanwhile. If history does not reach back to the last message seen, a `gap` comes first.
   */
  async function recover(entry: ChannelEntry): Promise<void> {
    if (entry.recovering) {
      entry.recoverAgain = true;
      return;
    }
    entry.recovering = true;
    const generation = entry.generation;
    const anchor = entry.lastSeen;
    const start = anchor?.timestamp ?? entry.attachedAt ?? undefined;
    const found: Ably.InboundMessage[] = [];
    let covered = false;
    let failed = false;
    try {
      let page: Ably.PaginatedResult<Ably.InboundMessage> | null = await entry.ably.history({
        untilAttach: true,
        direction: 'backwards',
        limit: historyPageLimit,
        ...(start === undefined ? {} : { start }),
      });
      for (let pages = 1; page !== null; pages += 1) {
        for (const item of page.items) {
          if (anchor !== null && item.id === anchor.id) {
            covered = true;
            break;
          }
          found.push(item);
        }
        if (covered || !page.hasNext()) break;
        if (pages >= historyMaxPages) break;
        page = await page.next();
      }
      // With no message seen yet there is no anchor to find: reading to the end is all history can do.
      if (anchor === null && (page === null || !page.hasNext())) covered = true;
    } catch {
      failed = true;
    }
    if (entry.generation !== generation) return;
    if (failed && entry.ably.state !== 'attached') {
      // The channel dropped again meanwhile: its next attach starts over (live messages stay held).
      entry.recovering = false;
      entry.recoverAgain = false;
      await entry.ably
        .attach()
        .then(() => (entry.generation === generation && !entry.recovering ? recover(entry) : undefined))
        .catch(() => {});
      return;
    }
    if (!covered) {
      // History cannot reach back to the last message seen: say so, with one number standing for what was lost.
      entry.counter += 1;
      emit({ type: 'gap', channel: entry.name, from: entry.counter, to: entry.counter });
    }
    for (let i = found.length - 1; i >= 0; i -= 1) {
      const item = found[i]!;
      if (item.name !== ABLY_SIGNAL_NAME) deliver(entry, item);
    }
    const live = entry.pendingLive.splice(0);
    entry.recovering = false;
    for (const message of live) deliver(entry, message);
    await syncPresence(entry, generation).catch(() => {});
    if (entry.recoverAgain && entry.generation === generation) {
      entry.recoverAgain = false;
      await recover(entry);
    }
  }

  // ---- presence --------------------------------------------------------------------------------------------

  function setConnectionPresence(entry: ChannelEntry, message: Ably.PresenceMessage) {
    if (!isIdentified(message.clientId)) return;
    const payload = asPresencePayload(message.data);
    presenceOrder += 1;
    entry.members.set(`${message.connectionId}:${message.clientId}`, {
      clientId: message.clientId,
      data: payload ? payload.data : message.data,
      status: payload ? payload.status : 'active',
      timestamp: typeof message.timestamp === 'number' ? message.timestamp : 0,
      order: presenceOrder,
    });
  }

  function memberOf(entry: ChannelEntry, clientId: string): PresenceMember | null {
    const connections = [...entry.members.values()].filter((item) => item.clientId === clientId);
    if (connections.length === 0) return null;
    const latest = connections.reduce((a, b) => (b.timestamp > a.timestamp || (b.timestamp === a.timestamp && b.order > a.order) ? b : a));
    return {
      userId: clientId,
      data: latest.data,
      connections: connections.length,
      status: mostPresent(connections.map((item) => item.status)),
    };
  }

  function allMembers(entry: ChannelEntry): PresenceMember[] {
    const ids = new Set([...entry.members.values()].map((item) => item.clientId));
    return [...ids].map((id) => memberOf(entry, id)!);
  }

  function applyPresence(entry: ChannelEntry, message: Ably.PresenceMessage) {
    if (!isIdentified(message.clientId)) return;
    const before = memberOf(entry, message.clientId);
    if (message.action === 'leave' || message.action === 'absent') entry.members.delete(`${message.connectionId}:${message.clientId}`);
    else setConnectionPresence(entry, message);
    const after = memberOf(entry, message.clientId);
    if (before === null && after !== null) emit({ type: 'presence', channel: entry.name, action: 'enter', member: after });
    else if (before !== null && after === null) emit({ type: 'presence', channel: entry.name, action: 'leave', member: before });
    else if (before !== null && after !== null && !sameMember(before, after)) {
      emit({ type: 'presence', channel: entry.name, action: 'update', member: after });
    }
  }

  function presence(frame: PresenceFrameIn) {
    const entry = entryFor(frame.channel);
    const refused = (cause: unknown) =>
      emit({ type: 'error', channel: entry.name, error: toFrameError(cause, 'unavailable', `Ably refused presence ${frame.action} on "${entry.name}"`) });
    if (frame.action === 'leave') {
      entry.own = null;
      if (entry.ably.state === 'attached' || entry.ably.state === 'attaching') entry.ably.presence.leave().catch(refused);
      return;
    }
    const data = frame.data !== undefined ? frame.data : entry.own?.data;
    const status = frame.status ?? entry.own?.status ?? 'active';
    entry.own = { data, status };
    const payload: PresencePayload = { rk: 1, data, status };
    (frame.action === 'enter' ? entry.ably.presence.enter(payload) : entry.ably.presence.update(payload)).catch(refused);
  }

  // ---- signals ---------------------------------------------------------------------------------------------

  function signal(frame: Extract<ClientFrame, { type: 'signal' }>) {
    const entry = entryFor(frame.channel);
    const message: Ably.Message = { name: ABLY_SIGNAL_NAME, data: { event: frame.event, data: frame.data }, extras: { ephemeral: true } };
    entry.ably.publish(message).catch((cause: unknown) => {
      if (isConnectionError(cause)) return;
      emit({ type: 'error', channel: entry.name, error: toFrameError(cause, 'unavailable', `Ably refused the signal "${frame.event}"`) });
    });
  }

  function onSignalMessage(entry: ChannelEntry, message: Ably.InboundMessage) {
    const own = ably.connection.id;
    if (own !== undefined && message.connectionId === own) return;
    const payload = message.data as { event?: unknown; data?: unknown } | null | undefined;
    if (typeof payload !== 'object' || payload === null || typeof payload.event !== 'string') return;
    const from = message.clientId ?? message.connectionId ?? '';
    emit({ type: 'signal', channel: entry.name, event: payload.event, data: payload.data, from });
  }

  // ---- the transport ---------------------------------------------------------------------------------------

  function send(frame: ClientFrame): boolean {
    if (!isOpen()) return false;
    switch (frame.type) {
      case 'subscribe':
        void subscribe(entryFor(frame.channel), frame.after);
        return true;
      case 'unsubscribe': {
        const entry = channels.get(frame.channel);
        if (entry) deactivate(entry);
        return true;
      }
      case 'publish':
        publish(frame);
        return true;
      case 'presence':
        presence(frame);
        return true;
      case 'signal':
        signal(frame);
        return true;
      case 'ping': {
        const t = frame.t;
        queueMicrotask(() => emit({ type: 'pong', t }));
        return true;
      }
    }
  }

  return {
    kind: 'ably',
    ably,
    subscribe: (listener) => addStateListener(() => listener()),
    getSnapshot: () => state,
    connect,
    close,
    reconnect,
    send,
    onFrame(listener) {
      const off = addFrameListener(listener);
      if (welcome !== null && isOpen()) listener(welcome);
      return off;
    },
  };
}

// ---- errors ----------------------------------------------------------------------------------------------------

/** What an Ably `ErrorInfo` carries that the mapping reads. */
interface ErrorInfoLike {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/**
 * The {@link RealtimeErrorCode} for an Ably `ErrorInfo` (see Ably's error codes): 40142 → `token_expired`; 4016x and
 * 403xx → `forbidden`; other 401xx → `unauthorized`; 429xx → `rate_limited`; 40009 → `message_too_large`; other 400xx →
 * `invalid_payload`; 404xx → `not_found`; 5xxxx → `server_error`; 80019 (the app's authUrl/authCallback failed) →
 * what its cause maps to, else `unauthorized`; other 8xxxx (connection) → `network`; 9xxxx (channel) → `unavailable`.
 */
export function mapAblyError(error: unknown, fallback: RealtimeErrorCode): RealtimeErrorCode {
  const info = (typeof error === 'object' && error !== null ? error : {}) as ErrorInfoLike;
  const code = typeof info.code === 'number' ? info.code : null;
  const status = typeof info.statusCode === 'number' ? info.statusCode : null;
  if (code !== null) {
    if (code === 40142) return 'token_expired';
    if (code >= 40160 && code <= 40169) return 'forbidden';
    if (code >= 40100 && code <= 40199) return 'unauthorized';
    if (code >= 40300 && code <= 40399) return 'forbidden';
    if (code >= 42900 && code <= 42999) return 'rate_limited';
    if (code === 40009) return 'message_too_large';
    if (code >= 40400 && code <= 40499) return 'not_found';
    if (code >= 40000 && code <= 40099) return 'invalid_payload';
    if (code >= 50000 && code <= 59999) return 'server_error';
    if (code === 80019) {
      // The app's authUrl/authCallback failed: its own error says why, else Ably's status does (403 fails for good).
      const cause = mapAblyError(info.cause, 'server_error');
      if (cause === 'token_expired' || cause === 'forbidden' || cause === 'unauthorized') return cause;
      return status === 403 ? 'forbidden' : 'unauthorized';
    }
    if (code >= 80000 && code <= 80999) return 'network';
    if (code >= 90000 && code <= 90999) return 'unavailable';
  }
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status !== null && status >= 500) return 'server_error';
  return fallback;
}

function describe(error: unknown): string {
  const info = (typeof error === 'object' && error !== null ? error : {}) as ErrorInfoLike;
  const message = typeof info.message === 'string' ? info.message : String(error);
  return typeof info.code === 'number' ? `Ably error ${info.code}: ${message}` : message;
}

function toFrameError(cause: unknown, fallback: RealtimeErrorCode, what: string): FrameError {
  return { code: mapAblyError(cause, fallback), message: `${what} (${describe(cause)}).` };
}

function toRealtimeError(reason: Ably.ErrorInfo | null, fallback: RealtimeErrorCode, what: string, retryable: boolean): RealtimeError {
  if (reason === null) return new RealtimeError(fallback, what, { retryable });
  const code = mapAblyError(reason, fallback);
  const hint =
    code === 'token_expired'
      ? ' The token expired and Ably could not get a valid new one from your authUrl/authCallback.'
      : code === 'unauthorized' || code === 'forbidden'
        ? ' Check what your authUrl/authCallback returns.'
        : '';
  return new RealtimeError(code, `${what} (${describe(reason)}).${hint}`, {
    cause: reason,
    retryable,
    ...(typeof reason.statusCode === 'number' ? { status: reason.statusCode } : {}),
  });
}

function isConnectionError(error: unknown): boolean {
  const code = (error as ErrorInfoLike | null)?.code;
  return typeof code === 'number' && code >= 80000 && code <= 80999 && code !== 80019;
}

// ---- helpers ---------------------------------------------------------------------------------------------------

/** Ably leaves `clientId` unset (or `*`) for anonymous clients despite its declared type. */
function isIdentified(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && clientId !== '' && clientId !== '*';
}

function asEnvelope(value: unknown): Envelope | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<Envelope>;
  return candidate.rk === 1 && typeof candidate.cid === 'string' && 'data' in candidate ? (candidate as Envelope) : null;
}

const STATUSES: ReadonlySet<unknown> = new Set<PresenceStatus>(['active', 'idle', 'away']);

function asPresencePayload(value: unknown): PresencePayload | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Partial<PresencePayload>;
  return candidate.rk === 1 && STATUSES.has(candidate.status) ? (candidate as PresencePayload) : null;
}

function sameMember(a: PresenceMember, b: PresenceMember): boolean {
  return a.connections === b.connections && a.status === b.status && safeJson(a.data) === safeJson(b.data);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}

function remember(set: Set<string>, id: string, limit: number) {
  set.add(id);
  if (set.size > limit) set.delete(set.values().next().value as string);
}
