// @supabase/supabase-js is imported for types only: this entry has no runtime dependency on it (it is an optional
// peer), the app passes in the client it created with `createClient`.
import type { RealtimeChannel, RealtimeClient, SupabaseClient } from '@supabase/supabase-js';
import type { Transport } from '../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import { PROTOCOL_VERSION, type ClientFrame, type PresenceMember, type PresenceStatus, type ServerFrame } from '../protocol/frames.js';
import { createTransportListeners } from './transport-events.js';

/** The broadcast event that carries realtime-kit signals (`{ event, data, from }`); not delivered as a message. */
export const SUPABASE_SIGNAL_EVENT = 'rk:signal';

/** Postgres changes arrive as channel messages named `postgres:INSERT`, `postgres:UPDATE` and `postgres:DELETE`. */
export const SUPABASE_POSTGRES_EVENT_PREFIX = 'postgres:';

/**
 * Supabase Realtime's default per-client presence limit: at most 5 `track`/`untrack` calls per channel in a
 * 30-second window. Over it the server closes the channel ("ClientPresenceRateLimitReached"). A project whose
 * limit was raised passes its own values as {@link SupabaseTransportOptions.presenceLimit}.
 */
export const SUPABASE_PRESENCE_LIMIT: Readonly<{ maxCalls: number; windowMs: number }> = Object.freeze({ maxCalls: 5, windowMs: 30_000 });

/** Default of `presenceLimit.minIntervalMs`: a burst of presence changes becomes one call now and one this much later. */
export const DEFAULT_PRESENCE_MIN_INTERVAL_MS = 250;

/**
 * Added to the window when counting presence calls: the server starts its window when a call *arrives*, and
 * network jitter can bring two calls closer together there than they were here.
 */
const PRESENCE_WINDOW_MARGIN_MS = 1_000;

/** How long a channel used only for publishing stays joined after its last publish (joins are rate limited too). */
const PUBLISH_ONLY_LINGER_MS = 30_000;

/** Waiting longer than this for the `presence_state` after a join means the server will not send one. */
const PRESENCE_STATE_WAIT_MS = 3_000;

/** Rejoin delays after the server closed a channel that is still in use (rate limit, token refresh). */
const REJOIN_DELAYS_MS = [1_000, 2_000, 5_000, 10_000] as const;

/** How many recent message ids each channel remembers, to drop a publish that arrives twice (a resend after a drop). */
const SEEN_IDS = 512;

/** Anything with a Supabase `realtime` client: the `createClient(...)` instance (whatever its database types). */
export type SupabaseRealtimeHost = Pick<SupabaseClient, 'realtime'>;

/** A Postgres change event the adapter can listen for. */
export type SupabasePostgresEvent = 'INSERT' | 'UPDATE' | 'DELETE';

/** One `postgres_changes` listener, joined with its channel (Supabase's `RealtimePostgresChangesFilter`). */
export interface SupabasePostgresChangesFilter {
  readonly event: SupabasePostgresEvent | '*';
  readonly schema: string;
  /** Absent: every table of the schema. */
  readonly table?: string;
  /** PostgREST-style row filter, e.g. `room_id=eq.42` (eq, neq, lt, lte, gt, gte, in). */
  readonly filter?: string;
}

/** The data of a `postgres:*` channel message. */
export interface SupabasePostgresChange<Row extends object = Record<string, unknown>> {
  readonly schema: string;
  readonly table: string;
  /** The row after the change (`{}` for a DELETE). */
  readonly new: Partial<Row>;
  /** The row before it (`{}` for an INSERT; only the primary key unless the table has `replica identity full`). */
  readonly old: Partial<Row>;
  /** When the transaction committed (ISO 8601), as Postgres reported it. */
  readonly commitTimestamp: string;
}

/**
 * The event map of a channel that carries Postgres changes of `Row`, for typed channels:
 * `client.channel<SupabasePostgresEvents<Message> & { typing: … }>('room:42')`.
 */
export type SupabasePostgresEvents<Row extends object = Record<string, unknown>> = {
  [E in SupabasePostgresEvent as `${typeof SUPABASE_POSTGRES_EVENT_PREFIX}${E}`]: SupabasePostgresChange<Row>;
};

/** Options for {@link supabaseTransport}. */
export interface SupabaseTransportOptions {
  /**
   * Who this client is: the presence key (one member per user however many tabs), the `from` of its signals and
   * `welcome.userId`. Required for presence.
   */
  userId?: string;
  /**
   * Which channels join with presence enabled. Default: every channel when `userId` is set. Presence costs a
   * `presence_state` per join on the server (counted against the project's presence quota), so a function can
   * keep it to the channels that use it: `(channel) => channel.startsWith('room:')`.
   */
  presence?: boolean | ((channel: string) => boolean);
  /** `postgres_changes` listeners per channel name, joined with the channel and delivered as `postgres:*` messages. */
  postgresChanges?: Readonly<Record<string, readonly SupabasePostgresChangesFilter[]>>;
  /** Join channels as private (Realtime Authorization with RLS policies). Default false. */
  private?: boolean | ((channel: string) => boolean);
  /**
   * The project's per-client presence limit, which the adapter never exceeds: presence changes are coalesced
   * (the latest data and status always win and are always sent eventually) so that at most `maxCalls` calls go out
   * per channel in any `windowMs`, one `minIntervalMs` apart at the closest. One call of each window is kept for a
   * leave. Default {@link SUPABASE_PRESENCE_LIMIT} and {@link DEFAULT_PRESENCE_MIN_INTERVAL_MS}.
   */
  presenceLimit?: { maxCalls?: number; windowMs?: number; minIntervalMs?: number };
  /** How long a publish waits for the server's acknowledgement before it is refused with `timeout`. Default: the SDK's timeout (10 s). */
  publishTimeoutMs?: number;
}

/** A {@link Transport} over a supabase-js client's Realtime connection. */
export interface SupabaseTransport extends Transport {
  readonly kind: 'supabase';
  /** The Supabase Realtime client it runs on (`client.realtime`). */
  readonly realtime: RealtimeClient;
}

/** The envelope a publish travels in, so receivers get the publisher's id, cid and time. */
interface Envelope {
  readonly rk: 1;
  readonly id: string;
  readonly cid: string;
  readonly data: unknown;
  readonly at: number;
}

/** What the adapter tracks on the server for this connection on one channel. */
interface PresenceIntent {
  readonly data: unknown;
  readonly status: PresenceStatus;
}

interface PendingPublish {
  readonly cid: string;
  readonly event: string;
  readonly envelope: Envelope;
}

interface ChannelRecord {
  readonly name: string;
  readonly presence: boolean;
  /** The SDK channel of the current join attempt (replaced when the server closed the previous one). */
  sdk: RealtimeChannel;
  /** Bumped with every SDK channel, so callbacks of a replaced one are ignored. */
  generation: number;
  /** Per-channel counter numbering every delivered message (hosted services have no sequence). */
  seq: number;
  /** The client subscribed the channel (and has not unsubscribed). */
  wanted: boolean;
  /** SUBSCRIBED on the current join, and not errored or closed since. */
  joined: boolean;
  /** The current join's first `presence_state` was applied (always true without presence). */
  presenceSynced: boolean;
  /** The channel's presence as the server sent it: key → phx_ref → meta. Kept here, not read from the SDK (below). */
  metas: Map<string, Map<string, Meta>>;
  /** Diffs that arrived before the join's `presence_state`. */
  pendingDiffs: unknown[];
  presenceWait: ReturnType<typeof setTimeout> | null;
  /** The `subscribed` frame for the current join went out. */
  confirmed: boolean;
  /** A `gap` to report before the next `subscribed` (the client resumed from before messages it never saw). */
  gapFrom: number | null;
  /** Members as last reported to the client. */
  members: Map<string, PresenceMember>;
  /** Publishes waiting for the join. */
  outgoing: PendingPublish[];
  /** Publishes sent, waiting for the reply: the latest attempt per cid. */
  inflight: Map<string, object>;
  seen: Set<string>;
  /** What this connection should be tracking, and what the server has. */
  desired: PresenceIntent | null;
  tracked: PresenceIntent | null;
  presenceCalls: number[];
  presenceTimer: ReturnType<typeof setTimeout> | null;
  /** The last `system` error the server sent on this channel (it closes the channel next). */
  systemError: { code: RealtimeErrorCode; message: string } | null;
  rejoinTimer: ReturnType<typeof setTimeout> | null;
  rejoinAttempt: number;
  lingerTimer: ReturnType<typeof setTimeout> | null;
}

type StateCallbacks = RealtimeClient['stateChangeCallbacks'];

/**
 * The channel transport over Supabase Realtime (Broadcast, Presence and Postgres Changes), on the client the app
 * already has. Our channel `room:42` is the Supabase channel `room:42` (topic `realtime:room:42`).
 *
 * - **Publish** is a Broadcast with `ack: true`: the publish resolves when Supabase acknowledges it and fails with
 *   `timeout` (no answer), `rate_limited` (the project's message quota) or `message_too_large`. Channels join with
 *   `self: false` and the adapter hands the publisher its own message once, at the acknowledgement: Supabase would
 *   otherwise bill and deliver a second copy whose arrival is not ordered with the acknowledgement.
 * - **Presence** is keyed by `userId`: one member per user, `connections` counting their tabs. Presence changes
 *   are throttled under the project's per-client presence limit (see `presenceLimit`).
 * - **Postgres changes** listed in `postgresChanges` arrive as `postgres:INSERT|UPDATE|DELETE` messages
 *   ({@link SupabasePostgresChange}).
 * - **Signals** travel as Broadcasts named {@link SUPABASE_SIGNAL_EVENT}.
 *
 * Supabase keeps no history: broadcasts sent while this client was disconnected are gone, and a resubscribe
 * resumes from the live edge without a `gap` (the adapter cannot know what it missed). Refetch what matters when
 * the connection opens again (or keep it in Postgres and listen to its changes).
 *
 * In Node before 22 give the SDK a WebSocket: `createClient(url, key, { realtime: { transport: WebSocket } })` with
 * `import WebSocket from 'ws'`. A wrong API key closes the transport with `RealtimeError('unauthorized')` where the
 * WebSocket reports the HTTP status (Node's `ws`); browsers hide it, and it looks like a network failure there.
 *
 * @example
 * import { createClient } from '@supabase/supabase-js'
 * import { supabaseTransport } from '@realtime-kit/core/supabase'
 * const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY)
 * const client = createRealtimeClient({
 *   transport: supabaseTransport(supabase, {
 *     userId: session.user.id,
 *     postgresChanges: { 'room:42': [{ event: '*', schema: 'public', table: 'messages', filter: 'room_id=eq.42' }] },
 *   }),
 * })
 * client.channel<SupabasePostgresEvents<Message>>('room:42').subscribe('postgres:INSERT', (m) => add(m.data.new))
 */
export function supabaseTransport(client: SupabaseRealtimeHost, options: SupabaseTransportOptions = {}): SupabaseTransport {
  const realtime = client.realtime;
  const userId = options.userId;
  const limit = {
    maxCalls: options.presenceLimit?.maxCalls ?? SUPABASE_PRESENCE_LIMIT.maxCalls,
    windowMs: options.presenceLimit?.windowMs ?? SUPABASE_PRESENCE_LIMIT.windowMs,
    minIntervalMs: options.presenceLimit?.minIntervalMs ?? DEFAULT_PRESENCE_MIN_INTERVAL_MS,
  };
  if (!(limit.maxCalls >= 1) || !(limit.windowMs >= 0) || !(limit.minIntervalMs >= 0)) {
    throw new RangeError('supabaseTransport: presenceLimit needs maxCalls >= 1, windowMs >= 0 and minIntervalMs >= 0.');
  }
  const presenceFor = (name: string) =>
    typeof options.presence === 'function' ? options.presence(name) : (options.presence ?? userId !== undefined);
  const privateFor = (name: string) => (typeof options.private === 'function' ? options.private(name) : options.private === true);

  const [addStateListener, emitState] = createTransportListeners<void>();
  const [addFrameListener, emit] = createTransportListeners<ServerFrame>();
  const records = new Map<string, ChannelRecord>();
  /** SDK channels this transport created (so it never takes over one the app made itself). */
  const own = new WeakSet<RealtimeChannel>();
  let state: ConnectionState = INITIAL_CONNECTION_STATE;
  /** `close()` was called (or the API key was refused): SDK events no longer change the state. */
  let stopped = false;
  /** Our own disconnect, as part of `reconnect()`: its close event is not a failure. */
  let restarting = 0;
  /** A session is open: the welcome went out. */
  let session = false;
  let lastError: RealtimeError | null = null;
  let callbacks: { ref: string; attached: StateCallbacks } | null = null;
  /** Who sends this transport's signals when there is no `userId`. */
  const anonymousId = `anonymous-${randomId()}`;

  // ---- state ----------------------------------------------------------------------------------------------

  function setState(patch: Partial<ConnectionState>) {
    const next: ConnectionState = Object.freeze({ ...INITIAL_CONNECTION_STATE, ...patch });
    if (
      next.status === state.status &&
      next.error === state.error &&
      next.attempt === state.attempt &&
      next.retryInMs === state.retryInMs
    ) {
      return;
    }
    state = next;
    emitState();
  }

  function attach() {
    if (callbacks) return;
    const ref = `realtime-kit-${randomId()}`;
    const attached = realtime.stateChangeCallbacks;
    attached.open.push([ref, onSocketOpen]);
    attached.close.push([ref, onSocketClose]);
    attached.error.push([ref, onSocketError]);
    callbacks = { ref, attached };
  }

  function detach() {
    if (!callbacks) return;
    const { ref, attached } = callbacks;
    for (const key of ['open', 'close', 'error'] as const) attached[key] = attached[key].filter(([entry]) => entry !== ref);
    callbacks = null;
  }

  function onSocketOpen() {
    if (stopped) return;
    if (session) {
      // The SDK replaced a connection without a close event reaching us (a heartbeat timeout whose socket never
      // finished closing): end that session visibly, so the client resubscribes and re-sends on this one.
      endSession();
      setState({ status: 'reconnecting', error: new RealtimeError('heartbeat_timeout', 'The Supabase Realtime connection stopped answering; reconnected.', { retryable: true }), attempt: state.attempt });
    }
    lastError = null;
    session = true;
    // Every session joins with fresh SDK channels, before the SDK rejoins the old ones (our open callback runs
    // first): each join then starts from an empty presence state, and none is left unjoined.
    for (const record of [...records.values()]) {
      if (inUse(record)) replaceSdkChannel(record);
      else release(record);
    }
    const welcome: ServerFrame = {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      connectionId: `supabase-${randomId()}`,
      heartbeatMs: 0,
      ...(userId === undefined ? {} : { userId }),
    };
    emit(welcome);
    setState({ status: 'open' });
  }

  function onSocketClose() {
    if (stopped) return;
    endSession();
    if (restarting > 0) return;
    if (realtime.getChannels().length === 0) {
      // The SDK disconnects by itself once it has no channels left: nothing is in use, nothing to retry.
      setState({ status: 'idle' });
      return;
    }
    const attempt = state.attempt + 1;
    const tries = realtime.reconnectTimer.tries;
    const retryInMs = realtime.reconnectAfterMs(tries + 1);
    const error =
      lastError ??
      new RealtimeError('network', 'The Supabase Realtime connection was lost; the SDK is reconnecting.', { retryable: true });
    setState({ status: 'reconnecting', error, attempt, retryInMs, retryAt: Date.now() + retryInMs });
  }

  function onSocketError(event: unknown) {
    if (stopped) return;
    const status = httpStatusOf(event);
    if (status === 401 || status === 403) {
      // A refused key is final: stop the SDK's retries (they would only be refused again).
      const error = new RealtimeError(
        'unauthorized',
        `Supabase Realtime refused the API key (HTTP ${status}). Check the key passed to createClient, then call reconnect().`,
        { status, cause: event },
      );
      stopped = true;
      endSession();
      void realtime.disconnect();
      setState({ status: 'closed', error, attempt: state.attempt });
      return;
    }
    lastError = new RealtimeError(
      status !== null && status >= 500 ? 'server_error' : 'network',
      status !== null
        ? `Supabase Realtime answered the WebSocket upgrade with HTTP ${status}; the SDK retries.`
        : 'The Supabase Realtime connection failed; the SDK retries.',
      { status: status ?? undefined, cause: event, retryable: true },
    );
    if (state.status === 'connecting' || state.status === 'reconnecting') {
      setState({ ...state, status: 'reconnecting', error: lastError });
    }
  }

  /** The server forgot everything of this connection: joins, presence, replies still to come. */
  function endSession() {
    session = false;
    for (const record of records.values()) {
      record.joined = false;
      record.confirmed = false;
      record.presenceSynced = !record.presence;
      clearTimer(record, 'presenceWait');
      // The client re-sends what it still wants on the next open: its outbox, its subscribes, its presence enter.
      record.inflight.clear();
      record.outgoing = [];
      record.desired = null;
      record.tracked = null;
      clearTimer(record, 'presenceTimer');
      maybeRelease(record);
    }
  }

  // ---- channels -------------------------------------------------------------------------------------------

  function clearTimer(record: ChannelRecord, key: 'presenceWait' | 'presenceTimer' | 'rejoinTimer' | 'lingerTimer') {
    const timer = record[key];
    if (timer !== null) clearTimeout(timer);
    record[key] = null;
  }

  function recordFor(name: string): ChannelRecord {
    const existing = records.get(name);
    if (existing) return existing;
    const presence = presenceFor(name);
    const record: ChannelRecord = {
      name,
      presence,
      sdk: undefined as unknown as RealtimeChannel,
      generation: 0,
      seq: 0,
      wanted: false,
      joined: false,
      presenceSynced: !presence,
      metas: new Map(),
      pendingDiffs: [],
      presenceWait: null,
      confirmed: false,
      gapFrom: null,
      members: new Map(),
      outgoing: [],
      inflight: new Map(),
      seen: new Set(),
      desired: null,
      tracked: null,
      presenceCalls: [],
      presenceTimer: null,
      systemError: null,
      rejoinTimer: null,
      rejoinAttempt: 0,
      lingerTimer: null,
    };
    records.set(name, record);
    record.sdk = createSdkChannel(record);
    return record;
  }

  function createSdkChannel(record: ChannelRecord): RealtimeChannel {
    const generation = ++record.generation;
    if (realtime.getChannels().some((channel) => channel.topic === `realtime:${record.name}` && !own.has(channel))) {
      // realtime.channel() would hand back the app's own channel of that name, joined with its own config.
      queueMicrotask(() =>
        emit({
          type: 'error',
          channel: record.name,
          error: {
            code: 'forbidden',
            message: `The app already uses the Supabase channel "${record.name}" directly (supabase.channel()); supabaseTransport needs its own channel names.`,
          },
        }),
      );
    }
    const config = {
      broadcast: { self: false, ack: true },
      presence: { key: userId ?? '', enabled: record.presence },
      private: privateFor(record.name),
    };
    const sdk = realtime.channel(record.name, { config });
    own.add(sdk);
    record.presenceSynced = !record.presence;
    record.metas = new Map();
    record.pendingDiffs = [];
    const current = () => record.generation === generation && records.get(record.name) === record && !stopped;
    sdk.on('broadcast', { event: '*' }, (message) => {
      if (current()) onBroadcast(record, message as { event?: unknown; payload?: unknown });
    });
    if (record.presence) {
      // realtime-js 2.108's own presence state loses metas' refs when a key has several (supabase-js#2565), so
      // members never leave: the adapter keeps the state itself from the protocol's presence_state and
      // presence_diff events, which realtime-js lets any binding receive. A fresh SDK channel per join keeps the
      // state payload untouched by the SDK's copy of it.
      const onEvent = sdk.on.bind(sdk) as unknown as (type: string, filter: object, callback: (payload: unknown) => void) => RealtimeChannel;
      onEvent('presence_state', {}, (payload) => {
        if (current()) onPresenceState(record, payload);
      });
      onEvent('presence_diff', {}, (payload) => {
        if (current()) onPresenceDiff(record, payload);
      });
    }
    for (const filter of options.postgresChanges?.[record.name] ?? []) {
      sdk.on(
        'postgres_changes',
        {
          event: filter.event as '*',
          schema: filter.schema,
          ...(filter.table === undefined ? {} : { table: filter.table }),
          ...(filter.filter === undefined ? {} : { filter: filter.filter }),
        },
        (payload) => {
          if (current()) onPostgresChange(record, payload as unknown as RawPostgresChange);
        },
      );
    }
    sdk.on('system', {}, (payload: unknown) => {
      if (current()) onSystem(record, payload);
    });
    try {
      sdk.subscribe((status, error) => {
        if (current()) onChannelStatus(record, `${status}`, error);
      });
    } catch (cause) {
      // realtime-js connects the socket when a channel subscribes: it throws where it has no WebSocket.
      queueMicrotask(() =>
        emit({
          type: 'error',
          channel: record.name,
          error: { code: 'unavailable', message: `supabaseTransport could not join "${record.name}": ${cause instanceof Error ? cause.message : String(cause)}` },
        }),
      );
    }
    return sdk;
  }

  function replaceSdkChannel(record: ChannelRecord) {
    const previous = record.sdk;
    record.joined = false;
    record.confirmed = false;
    record.presenceSynced = !record.presence;
    record.tracked = null;
    record.systemError = null;
    record.generation += 1;
    // Phoenix closes a leaving channel at once (the leave is not awaited), so the SDK has forgotten it before the
    // replacement of the same topic is created.
    void realtime.removeChannel(previous);
    record.sdk = createSdkChannel(record);
  }

  /** Still needed: subscribed, a publish on its way, or our presence (leaving the channel ends our presence too). */
  function inUse(record: ChannelRecord): boolean {
    return record.wanted || record.outgoing.length > 0 || record.inflight.size > 0 || record.desired !== null;
  }

  function release(record: ChannelRecord) {
    if (records.get(record.name) !== record) return;
    records.delete(record.name);
    for (const key of ['presenceWait', 'presenceTimer', 'rejoinTimer', 'lingerTimer'] as const) clearTimer(record, key);
    record.generation += 1;
    void realtime.removeChannel(record.sdk);
  }

  /** A channel nobody subscribes to is left once its publishes are done (after a linger, joins cost). */
  function maybeRelease(record: ChannelRecord) {
    if (inUse(record)) {
      clearTimer(record, 'lingerTimer');
      return;
    }
    if (record.lingerTimer !== null || records.get(record.name) !== record) return;
    record.lingerTimer = setTimeout(() => {
      record.lingerTimer = null;
      if (!inUse(record)) release(record);
    }, PUBLISH_ONLY_LINGER_MS);
    unref(record.lingerTimer);
  }

  function onChannelStatus(record: ChannelRecord, status: string, error: Error | undefined) {
    switch (status) {
      case 'SUBSCRIBED':
        return onJoined(record);
      case 'CHANNEL_ERROR':
        return onChannelError(record, error);
      case 'TIMED_OUT':
        record.joined = false;
        record.confirmed = false;
        if (record.wanted && realtime.isConnected()) {
          emit({
            type: 'error',
            channel: record.name,
            error: { code: 'timeout', message: `Supabase did not answer the join of "${record.name}" in time; the SDK retries.` },
          });
        }
        return;
      case 'CLOSED':
        return onChannelClosed(record);
      default:
        return;
    }
  }

  function onJoined(record: ChannelRecord) {
    record.joined = true;
    record.rejoinAttempt = 0;
    record.systemError = null;
    // A new join is a new channel process on the server: it tracks nothing for us and counts presence afresh.
    record.tracked = null;
    record.presenceCalls = [];
    clearTimer(record, 'presenceTimer');
    if (!record.presenceSynced) {
      clearTimer(record, 'presenceWait');
      record.presenceWait = setTimeout(() => {
        record.presenceWait = null;
        if (record.joined && !record.presenceSynced) onPresenceState(record, {});
      }, PRESENCE_STATE_WAIT_MS);
      unref(record.presenceWait);
    }
    maybeConfirm(record);
    const outgoing = record.outgoing;
    record.outgoing = [];
    for (const publish of outgoing) sendPublish(record, publish);
    flushPresence(record);
  }

  function onChannelError(record: ChannelRecord, error: Error | undefined) {
    record.joined = false;
    record.confirmed = false;
    record.presenceSynced = !record.presence;
    const reason = serverReason(error);
    // A transport failure (socket closed, heartbeat timeout) is the connection's state, not this channel's.
    if (reason === null) return;
    const code = classifyReason(reason);
    const final = code === 'unauthorized' || code === 'token_expired' || code === 'forbidden';
    if (record.wanted) {
      emit({
        type: 'error',
        channel: record.name,
        error: { code, message: `Supabase refused to join "${record.name}": ${reason}${final ? '' : ' (the SDK retries)'}` },
      });
    }
    if (!final) return;
    failOutgoing(record, code, `Supabase refused to join "${record.name}": ${reason}`);
    // Leaving stops the SDK's rejoin timer (the same credentials would be refused again); a later subscribe starts over.
    release(record);
  }

  function onChannelClosed(record: ChannelRecord) {
    // Closed by the server (`phx_close`): a rate limit, an expired token, a shutdown. The SDK forgot the channel.
    record.joined = false;
    record.confirmed = false;
    record.presenceSynced = !record.presence;
    record.tracked = null;
    const cause = record.systemError ?? { code: 'closed' as const, message: `Supabase closed the channel "${record.name}".` };
    failOutgoing(record, cause.code, cause.message);
    // Publishes sent before the close are still answered (their replies may sit in the same network read as the
    // close, ahead of it, and settle a few microtasks later); the ones left unanswered after that never will be.
    const unanswered = new Map(record.inflight);
    setTimeout(() => {
      for (const [cid, attempt] of unanswered) {
        if (record.inflight.get(cid) !== attempt) continue;
        record.inflight.delete(cid);
        nack(record, cid, cause.code, cause.message);
      }
      maybeRelease(record);
    }, 0);
    if (record.wanted) {
      emit({ type: 'error', channel: record.name, error: { code: cause.code, message: `${cause.message} Rejoining.` } });
    }
    if (!inUse(record)) {
      release(record);
      return;
    }
    clearTimer(record, 'rejoinTimer');
    const delay = REJOIN_DELAYS_MS[Math.min(record.rejoinAttempt, REJOIN_DELAYS_MS.length - 1)]!;
    record.rejoinAttempt += 1;
    record.rejoinTimer = setTimeout(() => {
      record.rejoinTimer = null;
      // While disconnected the next open replaces the channel anyway.
      if (records.get(record.name) === record && !stopped && inUse(record) && realtime.isConnected()) replaceSdkChannel(record);
    }, delay);
    unref(record.rejoinTimer);
  }

  function onSystem(record: ChannelRecord, payload: unknown) {
    if (typeof payload !== 'object' || payload === null) return;
    const { status, message, extension } = payload as { status?: unknown; message?: unknown; extension?: unknown };
    if (status !== 'error') return;
    const text = typeof message === 'string' ? message : 'Unknown error';
    if (extension === 'postgres_changes') {
      // Realtime could not (yet) subscribe to the database; it retries by itself.
      if (record.wanted) {
        emit({ type: 'error', channel: record.name, error: { code: 'unavailable', message: `Supabase postgres_changes on "${record.name}": ${text}` } });
      }
      return;
    }
    // The server closes the channel next (phx_close): the close reports it.
    record.systemError = { code: classifyReason(text), message: `Supabase closed the channel "${record.name}": ${text}.` };
  }

  /** The client hears `subscribed` once the join is complete, presence state included. */
  function maybeConfirm(record: ChannelRecord) {
    if (!record.wanted || !record.joined || !record.presenceSynced || record.confirmed || !session) return;
    record.confirmed = true;
    if (record.gapFrom !== null) {
      if (record.gapFrom <= record.seq) emit({ type: 'gap', channel: record.name, from: record.gapFrom, to: record.seq });
      record.gapFrom = null;
    }
    if (record.presence) emit({ type: 'presence', channel: record.name, action: 'sync', members: [...record.members.values()] });
    emit({ type: 'subscribed', channel: record.name, seq: record.seq });
  }

  // ---- incoming -------------------------------------------------------------------------------------------

  function remember(record: ChannelRecord, id: string): boolean {
    if (record.seen.has(id)) return false;
    record.seen.add(id);
    if (record.seen.size > SEEN_IDS) record.seen.delete(record.seen.values().next().value as string);
    return true;
  }

  function onBroadcast(record: ChannelRecord, message: { event?: unknown; payload?: unknown }) {
    if (!session) return;
    const event = typeof message.event === 'string' ? message.event : '';
    if (event === SUPABASE_SIGNAL_EVENT) {
      const signal = message.payload as { event?: unknown; data?: unknown; from?: unknown } | undefined;
      if (!record.wanted || typeof signal?.event !== 'string') return;
      emit({ type: 'signal', channel: record.name, event: signal.event, data: signal.data, from: typeof signal.from === 'string' ? signal.from : 'unknown' });
      return;
    }
    if (!record.wanted) return;
    const envelope = asEnvelope(message.payload);
    if (envelope) {
      if (!remember(record, envelope.id)) return;
      record.seq += 1;
      emit({ type: 'message', channel: record.name, id: envelope.id, seq: record.seq, event, data: envelope.data, cid: envelope.cid, at: envelope.at });
      return;
    }
    record.seq += 1;
    emit({ type: 'message', channel: record.name, id: randomId(), seq: record.seq, event, data: message.payload, at: Date.now() });
  }

  function onPostgresChange(record: ChannelRecord, payload: RawPostgresChange) {
    if (!session || !record.wanted) return;
    const at = Date.parse(payload.commit_timestamp);
    const data: SupabasePostgresChange = {
      schema: payload.schema,
      table: payload.table,
      new: payload.new ?? {},
      old: payload.old ?? {},
      commitTimestamp: payload.commit_timestamp,
    };
    record.seq += 1;
    emit({
      type: 'message',
      channel: record.name,
      id: randomId(),
      seq: record.seq,
      event: `${SUPABASE_POSTGRES_EVENT_PREFIX}${payload.eventType}`,
      data,
      at: Number.isFinite(at) ? at : Date.now(),
    });
  }

  function onPresenceState(record: ChannelRecord, payload: unknown) {
    clearTimer(record, 'presenceWait');
    record.metas = new Map();
    applyPresenceDiff(record.metas, { joins: payload, leaves: {} });
    for (const diff of record.pendingDiffs) applyPresenceDiff(record.metas, diff);
    record.pendingDiffs = [];
    publishPresence(record);
  }

  function onPresenceDiff(record: ChannelRecord, payload: unknown) {
    if (!record.presenceSynced) {
      record.pendingDiffs.push(payload);
      return;
    }
    applyPresenceDiff(record.metas, payload);
    publishPresence(record);
  }

  function publishPresence(record: ChannelRecord) {
    const next = membersOf(record.metas);
    if (!record.presenceSynced) {
      record.presenceSynced = true;
      record.members = next;
      maybeConfirm(record);
      return;
    }
    const previous = record.members;
    record.members = next;
    if (!record.confirmed || !session) return;
    for (const [key, member] of previous) {
      if (!next.has(key)) emit({ type: 'presence', channel: record.name, action: 'leave', member });
    }
    for (const [key, member] of next) {
      const before = previous.get(key);
      if (before === undefined) emit({ type: 'presence', channel: record.name, action: 'enter', member });
      else if (!sameMember(before, member)) emit({ type: 'presence', channel: record.name, action: 'update', member });
    }
  }

  // ---- outgoing -------------------------------------------------------------------------------------------

  function canPush(record: ChannelRecord): boolean {
    // realtime-js falls back to its REST endpoint when the channel cannot push: never let it.
    return record.joined && record.sdk.state === 'joined' && realtime.isConnected();
  }

  function sendPublish(record: ChannelRecord, publish: PendingPublish) {
    if (!canPush(record)) {
      record.outgoing.push(publish);
      return;
    }
    const attempt = {};
    record.inflight.set(publish.cid, attempt);
    const generation = record.generation;
    record.sdk
      .send({ type: 'broadcast', event: publish.event, payload: publish.envelope }, options.publishTimeoutMs === undefined ? {} : { timeout: options.publishTimeoutMs })
      .then(
        (result) => {
          if (record.inflight.get(publish.cid) !== attempt || record.generation !== generation) return;
          record.inflight.delete(publish.cid);
          if (result === 'ok') acknowledge(record, publish);
          else if (result === 'timed out') nack(record, publish.cid, 'timeout', `Supabase did not acknowledge the publish of "${publish.event}" on "${record.name}" in time.`);
          else {
            nack(
              record,
              publish.cid,
              'message_too_large',
              `Supabase refused the publish of "${publish.event}" on "${record.name}" (a broadcast is refused when it exceeds the project's payload size limit).`,
            );
          }
          maybeRelease(record);
        },
        (cause: unknown) => {
          if (record.inflight.get(publish.cid) !== attempt) return;
          record.inflight.delete(publish.cid);
          nack(record, publish.cid, 'invalid_payload', `The publish of "${publish.event}" on "${record.name}" could not be sent: ${String(cause)}`);
          maybeRelease(record);
        },
      );
  }

  function acknowledge(record: ChannelRecord, publish: PendingPublish) {
    const { envelope } = publish;
    // Supabase does not echo to the sender (self: false): the publisher gets its message here, once.
    if (record.wanted && session && remember(record, envelope.id)) {
      record.seq += 1;
      emit({ type: 'message', channel: record.name, id: envelope.id, seq: record.seq, event: publish.event, data: envelope.data, cid: envelope.cid, at: envelope.at });
    }
    emit({ type: 'ack', cid: publish.cid, channel: record.name, id: envelope.id, seq: record.seq });
  }

  function nack(record: ChannelRecord, cid: string, code: RealtimeErrorCode, message: string) {
    emit({ type: 'nack', cid, channel: record.name, error: { code, message } });
  }

  function failOutgoing(record: ChannelRecord, code: RealtimeErrorCode, message: string) {
    const outgoing = record.outgoing;
    record.outgoing = [];
    for (const publish of outgoing) nack(record, publish.cid, code, message);
  }

  function publish(frame: Extract<ClientFrame, { type: 'publish' }>) {
    const record = recordFor(frame.channel);
    clearTimer(record, 'lingerTimer');
    // A re-send of a publish still waiting (the client re-sends its outbox on every open) replaces it.
    record.outgoing = record.outgoing.filter((pending) => pending.cid !== frame.cid);
    const envelope: Envelope = { rk: 1, id: frame.cid, cid: frame.cid, data: frame.data, at: Date.now() };
    sendPublish(record, { cid: frame.cid, event: frame.event, envelope });
  }

  function subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>) {
    const record = recordFor(frame.channel);
    clearTimer(record, 'lingerTimer');
    record.wanted = true;
    const after = frame.after;
    if (after !== undefined) {
      if (after > record.seq) record.seq = after;
      // The client resumes from before messages that were delivered while it was not listening: they are gone.
      else if (after < record.seq) record.gapFrom = after + 1;
    }
    record.confirmed = false;
    maybeConfirm(record);
  }

  function unsubscribe(frame: Extract<ClientFrame, { type: 'unsubscribe' }>) {
    const record = records.get(frame.channel);
    if (!record) return;
    record.wanted = false;
    record.confirmed = false;
    record.gapFrom = null;
    // Presence needs no untrack: leaving the channel ends it on the server.
    record.desired = null;
    if (record.outgoing.length === 0 && record.inflight.size === 0) release(record);
    else maybeRelease(record);
  }

  function presence(frame: Extract<ClientFrame, { type: 'presence' }>) {
    const name = frame.channel;
    const problem =
      userId === undefined
        ? 'supabaseTransport needs the userId option for presence (Supabase keys presence by it).'
        : !presenceFor(name)
          ? `Presence is not enabled for "${name}" (the presence option of supabaseTransport).`
          : null;
    if (problem !== null) {
      emit({ type: 'error', channel: name, error: { code: 'bad_frame', message: problem } });
      return;
    }
    const record = recordFor(name);
    if (frame.action === 'leave') {
      record.desired = null;
    } else {
      const previous = record.desired;
      record.desired = {
        data: frame.data !== undefined ? frame.data : frame.action === 'update' && previous ? previous.data : null,
        status: frame.status ?? (frame.action === 'update' && previous ? previous.status : 'active'),
      };
    }
    flushPresence(record);
  }

  /** How long the next presence call must wait to stay under the limit (0: it may go now). */
  function presenceDelay(record: ChannelRecord, leaving: boolean): number {
    const now = Date.now();
    const span = limit.windowMs + PRESENCE_WINDOW_MARGIN_MS;
    record.presenceCalls = record.presenceCalls.filter((at) => now - at < span);
    const calls = record.presenceCalls;
    // Keep one call of each window for a leave, so leaving is never stuck behind updates.
    const budget = leaving || limit.maxCalls === 1 ? limit.maxCalls : limit.maxCalls - 1;
    let wait = 0;
    const last = calls[calls.length - 1];
    if (last !== undefined) wait = Math.max(wait, last + limit.minIntervalMs - now);
    if (calls.length >= budget) wait = Math.max(wait, calls[calls.length - budget]! + span - now);
    return Math.max(0, wait);
  }

  function flushPresence(record: ChannelRecord) {
    // A change may shorten the wait (a leave may use the call kept for it): decide again from the latest intent.
    clearTimer(record, 'presenceTimer');
    if (!canPush(record)) return;
    const { desired, tracked } = record;
    if (desired === null ? tracked === null : tracked !== null && sameIntent(desired, tracked)) return;
    const wait = presenceDelay(record, desired === null);
    if (wait > 0) {
      record.presenceTimer = setTimeout(() => {
        record.presenceTimer = null;
        flushPresence(record);
      }, wait);
      unref(record.presenceTimer);
      return;
    }
    record.presenceCalls.push(Date.now());
    record.tracked = desired;
    const sdk = record.sdk;
    const request = desired === null ? sdk.untrack() : sdk.track({ rk: 1, data: desired.data, status: desired.status, at: Date.now() });
    request.then(
      (result) => {
        if (result === 'error' && record.sdk === sdk && record.wanted) {
          emit({
            type: 'error',
            channel: record.name,
            error: { code: 'forbidden', message: `Supabase refused the presence ${desired === null ? 'leave' : 'update'} on "${record.name}".` },
          });
        }
      },
      () => {},
    );
  }

  // ---- the transport --------------------------------------------------------------------------------------

  function connect() {
    if (stopped && state.status === 'closed') stopped = false;
    attach();
    if (realtime.isConnected()) {
      if (!session) onSocketOpen();
      return;
    }
    if (state.status === 'idle' || state.status === 'closed') setState({ status: 'connecting' });
    try {
      realtime.connect();
    } catch (cause) {
      stopped = true;
      setState({
        status: 'closed',
        error: new RealtimeError('unavailable', `Supabase Realtime cannot connect: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }),
      });
    }
  }

  function close() {
    stopped = true;
    session = false;
    for (const record of [...records.values()]) release(record);
    detach();
    // The SDK connection is shared with whatever else the app does on it: only disconnect when nothing else is left.
    if (realtime.getChannels().every((channel) => own.has(channel))) void realtime.disconnect();
    setState({ status: 'closed' });
  }

  function reconnect() {
    stopped = false;
    attach();
    restarting += 1;
    endSession();
    setState({ status: 'connecting' });
    void realtime.disconnect().then(() => {
      restarting -= 1;
      if (stopped || restarting > 0) return;
      connect();
    });
  }

  function send(frame: ClientFrame): boolean {
    if (state.status !== 'open' || !session) return false;
    switch (frame.type) {
      case 'subscribe':
        subscribe(frame);
        return true;
      case 'unsubscribe':
        unsubscribe(frame);
        return true;
      case 'publish':
        publish(frame);
        return true;
      case 'presence':
        presence(frame);
        return true;
      case 'signal': {
        const record = records.get(frame.channel);
        if (!record || !canPush(record)) return false;
        const payload = { event: frame.event, data: frame.data, from: userId ?? anonymousId };
        record.sdk.send({ type: 'broadcast', event: SUPABASE_SIGNAL_EVENT, payload }).then(
          () => {},
          () => {},
        );
        return true;
      }
      case 'ping':
        emit({ type: 'pong', t: frame.t });
        return true;
      default: {
        const unknown: never = frame;
        throw new RealtimeError('bad_frame', `supabaseTransport cannot send a "${String((unknown as { type?: unknown }).type)}" frame.`);
      }
    }
  }

  if (realtime.isConnected()) attach();

  return {
    kind: 'supabase',
    realtime,
    subscribe: (listener) => addStateListener(() => listener()),
    getSnapshot: () => state,
    connect,
    close,
    reconnect,
    send,
    onFrame: addFrameListener,
  };
}

/** A `postgres_changes` payload as realtime-js hands it to a listener. */
interface RawPostgresChange {
  readonly schema: string;
  readonly table: string;
  readonly commit_timestamp: string;
  readonly eventType: SupabasePostgresEvent;
  readonly new?: Record<string, unknown>;
  readonly old?: Record<string, unknown>;
}

function asEnvelope(payload: unknown): Envelope | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const candidate = payload as Partial<Envelope>;
  if (candidate.rk !== 1 || typeof candidate.id !== 'string' || typeof candidate.cid !== 'string') return null;
  return { rk: 1, id: candidate.id, cid: candidate.cid, data: candidate.data, at: typeof candidate.at === 'number' ? candidate.at : Date.now() };
}

const STATUS_RANK: Record<PresenceStatus, number> = { active: 3, idle: 2, away: 1 };

/** One presence entry as the server sends it: the track payload plus its `phx_ref`. */
type Meta = Readonly<Record<string, unknown>>;

/**
 * Applies a `presence_diff` (or, as its joins, a `presence_state`): `{ joins, leaves }`, each key → `{ metas }`.
 * Metas are identified by `phx_ref`; an update arrives as the new meta joining and the old one leaving.
 */
function applyPresenceDiff(state: Map<string, Map<string, Meta>>, diff: unknown) {
  const { joins, leaves } = (typeof diff === 'object' && diff !== null ? diff : {}) as { joins?: unknown; leaves?: unknown };
  for (const [key, metas] of metaEntries(joins)) {
    let entry = state.get(key);
    if (!entry) state.set(key, (entry = new Map()));
    for (const meta of metas) entry.set(String(meta.phx_ref), { ...meta });
  }
  for (const [key, metas] of metaEntries(leaves)) {
    const entry = state.get(key);
    if (!entry) continue;
    for (const meta of metas) entry.delete(String(meta.phx_ref));
    if (entry.size === 0) state.delete(key);
  }
}

function metaEntries(value: unknown): [string, Meta[]][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: [string, Meta[]][] = [];
  for (const [key, presence] of Object.entries(value as Record<string, unknown>)) {
    const metas = (presence as { metas?: unknown } | null)?.metas;
    if (Array.isArray(metas)) out.push([key, metas.filter((meta): meta is Meta => typeof meta === 'object' && meta !== null)]);
  }
  return out;
}

/** One member per presence key: its metas are its connections; the most present status; the newest data. */
function membersOf(state: ReadonlyMap<string, ReadonlyMap<string, Meta>>): Map<string, PresenceMember> {
  const members = new Map<string, PresenceMember>();
  for (const [key, entry] of state) {
    const metas = [...entry.values()];
    if (metas.length === 0) continue;
    let status: PresenceStatus = 'away';
    let newest: Meta = metas[0]!;
    let newestAt = -Infinity;
    for (const meta of metas) {
      const metaStatus = isStatus(meta.status) ? meta.status : 'active';
      if (STATUS_RANK[metaStatus] > STATUS_RANK[status]) status = metaStatus;
      const at = typeof meta.at === 'number' ? meta.at : 0;
      if (at >= newestAt) {
        newestAt = at;
        newest = meta;
      }
    }
    members.set(key, Object.freeze({ userId: key, data: dataOf(newest), connections: metas.length, status }));
  }
  return members;
}

/** Our metas carry `{ rk, data, status, at }`; another client's track payload is the data itself. */
function dataOf(meta: Meta): unknown {
  if (meta.rk === 1) return meta.data ?? null;
  const { phx_ref: _ref, phx_ref_prev: _previous, ...rest } = meta;
  return rest;
}

function isStatus(value: unknown): value is PresenceStatus {
  return value === 'active' || value === 'idle' || value === 'away';
}

function sameMember(a: PresenceMember, b: PresenceMember): boolean {
  return a.connections === b.connections && a.status === b.status && JSON.stringify(a.data) === JSON.stringify(b.data);
}

function sameIntent(a: PresenceIntent, b: PresenceIntent): boolean {
  return a.status === b.status && JSON.stringify(a.data) === JSON.stringify(b.data);
}

/** The reason of a join the server refused (realtime-js puts the reply in `cause`), or null for a transport error. */
function serverReason(error: Error | undefined): string | null {
  if (error === undefined) return null;
  const cause = (error as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null) {
    // A join refusal is the server's reply `{ reason }`; a CloseEvent has a `reason` too, with a numeric `code`.
    const { reason, code, type } = cause as { reason?: unknown; code?: unknown; type?: unknown };
    if (typeof reason === 'string' && typeof code !== 'number' && typeof type !== 'string') return reason || 'no reason given';
  }
  // The SDK's own refusal: the server's postgres_changes listeners did not match the ones asked for.
  if (/mismatch between server and client bindings/i.test(error.message)) return error.message;
  return null;
}

/** Maps Supabase's reasons ("Unauthorized: …", "ClientPresenceRateLimitReached", "Token has expired …") to our codes. */
function classifyReason(reason: string): RealtimeErrorCode {
  if (/expired/i.test(reason)) return 'token_expired';
  if (/rate ?limit|too many/i.test(reason)) return 'rate_limited';
  if (/permission|private ?only|forbidden/i.test(reason)) return 'forbidden';
  if (/unauthori[sz]ed|jwt|token|signature|api key|apikey/i.test(reason)) return 'unauthorized';
  if (/size exceeded|too large/i.test(reason)) return 'message_too_large';
  if (/mismatch/i.test(reason)) return 'server_error';
  return 'unavailable';
}

/** The HTTP status of a refused WebSocket upgrade, where the WebSocket says it (`ws`: "Unexpected server response: 401"). */
function httpStatusOf(event: unknown): number | null {
  const texts: string[] = [];
  if (typeof event === 'object' && event !== null) {
    const { message, error } = event as { message?: unknown; error?: unknown };
    if (typeof message === 'string') texts.push(message);
    if (error instanceof Error) texts.push(error.message);
  }
  for (const text of texts) {
    const match = /Unexpected server response: (\d{3})/.exec(text);
    if (match) return Number(match[1]);
  }
  return null;
}

function unref(timer: ReturnType<typeof setTimeout>) {
  // Housekeeping timers must not keep a Node process alive.
  (timer as { unref?: () => void }).unref?.();
}
