// pusher-js is imported for types only: this entry has no runtime dependency on it (it is an optional peer), the
// app passes in the Pusher client it created.
import type Pusher from 'pusher-js';
import type { Channel as PusherChannel, ChannelAuthorizationCallback, Members, PresenceChannel } from 'pusher-js';
import type { Transport } from '../channel/transport.js';
import { INITIAL_CONNECTION_STATE, type ConnectionState } from '../connection/status.js';
import { RealtimeError, type RealtimeErrorCode } from '../errors.js';
import { randomId } from '../lib/random-id.js';
import type { ClientFrame, PresenceMember, PresenceStatus, ServerFrame } from '../protocol/frames.js';
import { createTransportListeners } from './transport-events.js';

/** Pusher's prefix for events clients send themselves (only allowed on `private-` and `presence-` channels). */
export const PUSHER_CLIENT_EVENT_PREFIX = 'client-';
/** The client event that carries presence data and status (Pusher fixes `user_info` when the channel is authorized). */
export const PUSHER_PRESENCE_EVENT = 'client-rk-presence';
/** The client event that carries signals (typing, read receipts, cursors). */
export const PUSHER_SIGNAL_EVENT = 'client-rk-signal';
/** Pusher refuses messages larger than this (10 KB), so larger publishes are refused before they are sent. */
export const PUSHER_MAX_MESSAGE_BYTES = 10_240;
/**
 * How long a presence member Pusher reports but who has not said (through {@link PUSHER_PRESENCE_EVENT}) whether it
 * entered stays hidden. realtime-kit clients say so within a round trip; after this, a member that never does (a
 * plain pusher-js client) is listed with its `user_info` as data.
 */
export const PUSHER_UNANNOUNCED_MEMBER_MS = 1000;

/** Options for {@link pusherTransport}. */
export interface PusherTransportOptions {
  /**
   * Who this client is, for `welcome.userId` (and so `presence.self()`) from the first connection. Without it the
   * user id is learned from the first presence channel's `members.me`, and a second `welcome` carries it.
   */
  userId?: string;
  /**
   * Headers for every channel authorization request, asked again for each one (so a refreshed token is sent on
   * the next subscribe). With it the transport posts the authorization itself (`fetch`, form-encoded `socket_id`
   * and `channel_name`, like pusher-js) to the Pusher client's `channelAuthorization.endpoint`, adding its static
   * `headers`/`params` and `headersProvider`/`paramsProvider`. pusher-js's own `headersProvider` cannot wait for a
   * promise, which a token refresh usually needs; a `customHandler` cannot be combined with this option.
   */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
}

/** A {@link Transport} over a pusher-js client. */
export interface PusherTransport extends Transport {
  readonly kind: 'pusher';
  /** The Pusher client it runs on. */
  readonly pusher: Pusher;
  /**
   * Messages from Pusher that could not be used (not JSON, or a malformed realtime-kit presence or signal event):
   * code `bad_frame`. Without a listener they are logged with `console.warn`. (Errors Pusher reports reach the
   * client as `error` frames: the channel's `onError`, or the client's.)
   */
  onError(listener: (error: RealtimeError) => void): () => void;
}

type ChannelKind = 'public' | 'private' | 'presence';

/** One connection's (tab's) presence on a channel, as it announced it. */
interface TabPresence {
  readonly entered: boolean;
  readonly data: unknown;
  readonly status: PresenceStatus;
  /** Local order of arrival: the newest entered tab's data is the member's data. */
  readonly order: number;
}

type Outgoing =
  | { readonly type: 'publish'; readonly frame: Extract<ClientFrame, { type: 'publish' }> }
  | { readonly type: 'signal'; readonly frame: Extract<ClientFrame, { type: 'signal' }> };

interface ChannelEntry {
  readonly name: string;
  readonly kind: ChannelKind;
  /** Messages delivered on this channel, numbered 1, 2, 3, … (Pusher has no sequence of its own). */
  seq: number;
  /** The channel client subscribed (and has not unsubscribed). */
  wanted: boolean;
  /** The pusher-js channel while we hold a subscription to it (for the client, or to send). */
  channel: PusherChannel | null;
  unbind: (() => void) | null;
  /** Pusher confirmed the subscription on the current connection. */
  ready: boolean;
  /** Publishes and signals waiting for `ready`, in order. */
  readonly outgoing: Outgoing[];
  /** The presence `sync` went to the client on this subscription: changes go out as enter/update/leave. */
  synced: boolean;
  self: TabPresence;
  /** Other tabs' presence: user id → tab id → what it announced. */
  readonly tabs: Map<string, Map<string, TabPresence>>;
  /** Members reported by Pusher who have not announced yet: user id → when first seen. */
  readonly unannounced: Map<string, number>;
  unannouncedTimer: ReturnType<typeof setTimeout> | null;
  /** What the client was last told. */
  visible: Map<string, PresenceMember>;
}

interface PusherConnectionError {
  readonly type?: string;
  readonly error?: unknown;
  readonly data?: { readonly code?: number | null; readonly message?: string } | null;
}

const STATUS_RANK: Record<PresenceStatus, number> = { active: 0, idle: 1, away: 2 };

/**
 * The channel transport over Pusher Channels. Create the pusher-js client yourself (with `channelAuthorization`
 * pointing at a route made with `createPusherAuthHandler` from `@realtime-kit/server/pusher`) and pass it in.
 *
 * @example
 * ```ts
 * import Pusher from 'pusher-js'
 * import { pusherTransport } from '@realtime-kit/core/pusher'
 * const pusher = new Pusher(key, { cluster: 'eu', channelAuthorization: { endpoint: '/api/pusher/auth', transport: 'ajax' } })
 * const client = createRealtimeClient({ transport: pusherTransport(pusher, { headers: async () => ({ authorization: `Bearer ${await getToken()}` }) }) })
 * const room = client.channel('presence-room-1')
 * ```
 *
 * How realtime-kit maps onto Pusher:
 * - **Connection.** pusher-js states map onto the connection state: `initialized` → `idle`, `connecting` →
 *   `connecting` (`reconnecting` after a lost connection), `connected` → `open` (with a `welcome` whose
 *   `connectionId` is the socket id), `unavailable` → `reconnecting`, `failed` → `closed` with
 *   `RealtimeError('unavailable')`, `disconnected` → `closed` (with `unauthorized` or `policy_violation` when Pusher
 *   refused the connection). pusher-js does the reconnecting.
 * - **Publishing.** `publish(event, data)` is the client event `client-<event>`: Pusher allows those only on
 *   `private-` and `presence-` channels, so a publish on a public channel is refused with `forbidden` (publish from
 *   your server with `pusherPublisher` instead). Pusher does not echo a client event to its sender, so the
 *   publisher gets its own message from the transport, then the ack. Events triggered by your server arrive
 *   with their own names; Pusher's internal events are dropped.
 * - **No replay.** Pusher keeps no history: messages sent while this client was disconnected are lost, and a
 *   resubscribe starts at the live edge (no `gap` is reported, since Pusher cannot tell). Refetch from your API
 *   after a reconnect when that matters. Sequence numbers are counted by the transport, per channel.
 * - **Presence** needs a `presence-` channel. Pusher fixes `user_info` when it authorizes the channel, so
 *   `enter(data)`, `update` and status travel as the client event {@link PUSHER_PRESENCE_EVENT}, and every
 *   connection announces itself again when a new one arrives. Members are deduplicated by user id with a count
 *   of entered connections. A Pusher member that never announces (a plain pusher-js client) is listed after
 *   {@link PUSHER_UNANNOUNCED_MEMBER_MS} with its `user_info` as data.
 * - **Signals** are the client event {@link PUSHER_SIGNAL_EVENT}; `from` is the sender's user id on presence
 *   channels (from Pusher), its announced user id or socket id elsewhere. Not on public channels.
 * - **Limits.** Client events count against Pusher's limit (10 per second per connection by default). Pusher
 *   confirms nothing, so a publish is acked once pusher-js sent it: an event Pusher then drops for the rate limit
 *   is reported as an `error` (`rate_limited`) on the client, not as a `nack`.
 * - A tab that vanishes without closing (a crash) while its user stays through another tab keeps counting in
 *   `connections` until it reconnects or the user's last connection leaves: Pusher reports members per user only.
 *
 * The transport subscribes and unsubscribes the channels the client uses on the Pusher client: do not
 * unsubscribe them yourself.
 */
export function pusherTransport(pusher: Pusher, options: PusherTransportOptions = {}): PusherTransport {
  const [addFrameListener, emit] = createTransportListeners<ServerFrame>();
  const [addErrorListener, emitError] = createTransportListeners<RealtimeError>();
  const [addStateListener, emitState] = createTransportListeners<void>();
  const entries = new Map<string, ChannelEntry>();
  /** This transport's id in presence announcements: stable across reconnects, so a tab replaces its own entry. */
  const tabId = randomId();
  let state: ConnectionState = Object.freeze({ ...INITIAL_CONNECTION_STATE, status: initialStatus(pusher.connection.state) });
  let open = state.status === 'open';
  let userId: string | null = options.userId ?? null;
  let closing = false;
  let reconnecting = false;
  /** A lost connection (rather than the first attempt): the next `connecting` is `reconnecting`. */
  let wasOpen = open;
  let lastError: RealtimeError | null = null;
  /** The socket id the last `welcome` was for. */
  let welcomed: string | null = null;
  let order = 0;
  /** Authorization failures seen by our own authorizer, by channel: pusher-js drops the status otherwise. */
  const authFailures = new Map<string, { status: number; message: string }>();

  if (options.headers) installAuthorizer(options.headers);

  // ---- connection state ----------------------------------------------------------------------------------

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
    const isOpen = next.status === 'open';
    if (open && !isOpen) sessionEnded();
    open = isOpen;
    emitState();
  }

  function reportError(error: RealtimeError) {
    if (!emitError(error)) console.warn(`[realtime-kit] ${error.message}`);
  }

  function welcome() {
    const socketId = pusher.connection.socket_id;
    welcomed = socketId;
    emit({ type: 'welcome', v: 1, connectionId: socketId, heartbeatMs: 0, ...(userId === null ? {} : { userId }) });
  }

  const onStateChange = ({ current }: { previous: string; current: string }) => {
    switch (current) {
      case 'initialized':
        return setState({ status: 'idle' });
      case 'connecting':
        if (wasOpen && !reconnecting) {
          return setState({ status: 'reconnecting', error: lastError, attempt: state.attempt + 1 });
        }
        return setState({ status: 'connecting', attempt: state.attempt });
      case 'connected':
        wasOpen = true;
        lastError = null;
        setState({ status: 'open' });
        welcome();
        return;
      case 'unavailable':
        lastError = new RealtimeError('network', 'Pusher is unavailable (no connection within unavailableTimeout); pusher-js keeps retrying.', {
          retryable: true,
        });
        return setState({ status: 'reconnecting', error: lastError, attempt: state.attempt + 1 });
      case 'failed':
        return setState({
          status: 'closed',
          error: new RealtimeError(
            'unavailable',
            'pusher-js cannot connect in this environment (state "failed": none of its transports is supported). Check enabledTransports.',
          ),
        });
      case 'disconnected':
        if (reconnecting) return;
        if (closing) return setState({ status: 'closed' });
        return setState({
          status: 'closed',
          error:
            lastError ??
            new RealtimeError('closed', 'The Pusher connection was closed (pusher.disconnect() or a refusal by Pusher). Call reconnect() to connect again.'),
        });
      default:
        return;
    }
  };

  // pusher-js keeps the `connected` state for a second after a lost connection and announces its retry with
  // `connecting_in`: that is when the session ends.
  const onConnectingIn = (seconds: number) => {
    if (closing) return;
    const retryInMs = Math.max(0, seconds) * 1000;
    lastError ??= new RealtimeError('network', 'The Pusher connection was lost; pusher-js reconnects.', { retryable: true });
    const attempt = state.status === 'open' ? 0 : state.attempt;
    setState({ status: 'reconnecting', error: lastError, attempt, retryInMs, retryAt: Date.now() + retryInMs });
  };

  const onConnectionError = (raw: unknown) => {
    // A refusal during the handshake arrives wrapped: { type: 'WebSocketError', error: { type: 'PusherError', … } }.
    const unwrapped = isRecord(raw) && raw.type === 'WebSocketError' && isRecord(raw.error) ? raw.error : raw;
    const error = isRecord(unwrapped) ? (unwrapped as PusherConnectionError) : {};
    if (error.type !== 'PusherError' || !isRecord(error.data)) {
      if (error.type === 'MessageParseError') {
        reportError(new RealtimeError('bad_frame', 'Pusher sent a message that is not JSON; it was dropped.', { raw: safeText(isRecord(raw) ? raw.data : raw) }));
      }
      return;
    }
    const code = typeof error.data.code === 'number' ? error.data.code : null;
    // A WebSocket close code (1006 …): a lost connection, which `connecting_in` reports.
    if (code !== null && code < 4000) return;
    const message = typeof error.data.message === 'string' ? error.data.message : 'Pusher reported an error.';
    // A refused subscription, as Pusher reports it on the connection: the channel is named in the message.
    if (/signature/i.test(message)) {
      const failed = [...entries.values()].filter((entry) => entry.channel !== null && !entry.ready && mentions(message, entry.name));
      if (failed.length > 0) {
        for (const entry of failed) subscriptionFailed(entry, 'unauthorized', `Pusher refused the subscription to "${entry.name}": ${message}`);
        return;
      }
    }
    if (code !== null && code >= 4000 && code < 4100) {
      lastError = new RealtimeError(
        code === 4009 ? 'unauthorized' : 'policy_violation',
        `Pusher refused the connection (${code}: ${message}); pusher-js does not retry. Fix the cause, then call reconnect().`,
      );
      return;
    }
    const entry = [...entries.values()].find((candidate) => mentions(message, candidate.name));
    const realtimeCode: RealtimeErrorCode =
      code === 4301
        ? 'rate_limited'
        : code !== null && code < 4200
          ? 'unavailable'
          : code !== null && code < 4300
            ? 'network'
            : /client event/i.test(message)
              ? 'forbidden'
              : 'bad_frame';
    const text = `Pusher error${code === null ? '' : ` ${code}`}: ${message}`;
    // As an `error` frame: the channel's onError when Pusher names one of ours, else the client's onError.
    emit(entry?.wanted ? { type: 'error', channel: entry.name, error: { code: realtimeCode, message: text } } : { type: 'error', error: { code: realtimeCode, message: text } });
  };

  pusher.connection.bind('state_change', onStateChange);
  pusher.connection.bind('connecting_in', onConnectingIn);
  pusher.connection.bind('error', onConnectionError);

  function sessionEnded() {
    for (const entry of entries.values()) {
      entry.ready = false;
      entry.synced = false;
      // Our enter is sent again by the client on the next session; unsent publishes are re-sent from its outbox.
      entry.self = { ...entry.self, entered: false };
      entry.outgoing.length = 0;
      clearUnannounced(entry);
      if (!entry.wanted && entry.channel !== null) release(entry);
    }
  }

  // ---- channels ------------------------------------------------------------------------------------------

  function entryFor(name: string): ChannelEntry {
    let entry = entries.get(name);
    if (!entry) {
      entry = {
        name,
        kind: name.startsWith('presence-') ? 'presence' : name.startsWith('private-') ? 'private' : 'public',
        seq: 0,
        wanted: false,
        channel: null,
        unbind: null,
        ready: false,
        outgoing: [],
        synced: false,
        self: { entered: false, data: undefined, status: 'active', order: 0 },
        tabs: new Map(),
        unannounced: new Map(),
        unannouncedTimer: null,
        visible: new Map(),
      };
      entries.set(name, entry);
    }
    return entry;
  }

  /** Subscribes on Pusher (again after a refusal); pusher-js ignores a repeat while one is pending. */
  function hold(entry: ChannelEntry) {
    if (entry.channel !== null) {
      if (!entry.channel.subscribed && !entry.channel.subscriptionPending) pusher.subscribe(entry.name);
      return;
    }
    const channel = pusher.subscribe(entry.name);
    entry.channel = channel;
    const onSucceeded = () => subscriptionSucceeded(entry);
    const onError = (data: unknown) => {
      const status = isRecord(data) && typeof data.status === 'number' ? data.status : authFailures.get(entry.name)?.status;
      const detail = authFailures.get(entry.name)?.message ?? (isRecord(data) && typeof data.error === 'string' ? data.error : safeText(data));
      authFailures.delete(entry.name);
      subscriptionFailed(
        entry,
        status === 403 ? 'forbidden' : 'unauthorized',
        `Pusher refused the subscription to "${entry.name}"${status === undefined ? '' : ` (authorization status ${status})`}: ${detail}`,
      );
    };
    const onEvent = (event: string, data: unknown) => incoming(entry, event, data);
    const onPresence = (data: unknown, metadata?: { user_id?: string }) => presenceEvent(entry, data, metadata);
    const onSignal = (data: unknown, metadata?: { user_id?: string }) => signalEvent(entry, data, metadata);
    const onMembersChanged = () => membersChanged(entry);
    const onMemberRemoved = (member: unknown) => {
      if (isRecord(member) && member.id !== undefined) entry.tabs.delete(String(member.id));
      membersChanged(entry);
    };
    channel.bind('pusher:subscription_succeeded', onSucceeded);
    channel.bind('pusher:subscription_error', onError);
    channel.bind_global(onEvent);
    channel.bind(PUSHER_PRESENCE_EVENT, onPresence);
    channel.bind(PUSHER_SIGNAL_EVENT, onSignal);
    channel.bind('pusher:member_added', onMembersChanged);
    channel.bind('pusher:member_removed', onMemberRemoved);
    entry.unbind = () => {
      channel.unbind('pusher:subscription_succeeded', onSucceeded);
      channel.unbind('pusher:subscription_error', onError);
      channel.unbind_global(onEvent);
      channel.unbind(PUSHER_PRESENCE_EVENT, onPresence);
      channel.unbind(PUSHER_SIGNAL_EVENT, onSignal);
      channel.unbind('pusher:member_added', onMembersChanged);
      channel.unbind('pusher:member_removed', onMemberRemoved);
    };
    if (channel.subscribed) subscriptionSucceeded(entry);
  }

  function release(entry: ChannelEntry) {
    entry.unbind?.();
    entry.unbind = null;
    if (entry.channel !== null) pusher.unsubscribe(entry.name);
    entry.channel = null;
    entry.ready = false;
    entry.synced = false;
    entry.tabs.clear();
    entry.visible = new Map();
    clearUnannounced(entry);
  }

  /** Unsubscribes once nothing needs the channel: the client left it and nothing waits to be sent on it. */
  function releaseIfIdle(entry: ChannelEntry) {
    if (!entry.wanted && entry.outgoing.length === 0 && entry.channel !== null) release(entry);
  }

  function subscriptionSucceeded(entry: ChannelEntry) {
    if (entry.channel === null) return;
    entry.ready = true;
    if (entry.kind === 'presence') {
      const members = membersOf(entry);
      const me = members?.myID;
      if ((typeof me === 'string' || typeof me === 'number') && String(me) !== userId) {
        userId = String(me);
        if (open) welcome();
      }
      for (const id of [...entry.tabs.keys()]) if (members?.get(id) == null) entry.tabs.delete(id);
      announce(entry, true);
    }
    for (const item of entry.outgoing.splice(0)) sendOutgoing(entry, item);
    if (entry.wanted) confirm(entry);
    releaseIfIdle(entry);
  }

  function subscriptionFailed(entry: ChannelEntry, code: 'unauthorized' | 'forbidden', message: string) {
    entry.ready = false;
    // pusher-js leaves a refused subscription pending when Pusher refused it (not the auth endpoint): clear that
    // so the next subscribe asks again.
    if (entry.channel !== null) entry.channel.subscriptionPending = false;
    for (const item of entry.outgoing.splice(0)) {
      if (item.type === 'publish') emit({ type: 'nack', cid: item.frame.cid, channel: entry.name, error: { code, message } });
    }
    if (entry.wanted) emit({ type: 'error', channel: entry.name, error: { code, message } });
    else if (entry.channel !== null) release(entry);
  }

  /** Tells the client the subscription is in place: presence first, then `subscribed` at the current count. */
  function confirm(entry: ChannelEntry) {
    if (entry.kind === 'presence') {
      entry.visible = computeMembers(entry);
      entry.synced = true;
      emit({ type: 'presence', channel: entry.name, action: 'sync', members: [...entry.visible.values()] });
    }
    emit({ type: 'subscribed', channel: entry.name, seq: entry.seq });
  }

  // ---- incoming ------------------------------------------------------------------------------------------

  function incoming(entry: ChannelEntry, eventName: string, data: unknown) {
    if (typeof eventName !== 'string' || eventName.startsWith('pusher:') || eventName.startsWith('pusher_internal:')) return;
    if (eventName === PUSHER_PRESENCE_EVENT || eventName === PUSHER_SIGNAL_EVENT) return;
    if (!entry.wanted || !entry.ready) return;
    const event = eventName.startsWith(PUSHER_CLIENT_EVENT_PREFIX) ? eventName.slice(PUSHER_CLIENT_EVENT_PREFIX.length) : eventName;
    const seq = ++entry.seq;
    if (isEnvelope(data)) {
      const at = typeof data.at === 'number' && Number.isFinite(data.at) ? data.at : Date.now();
      const base = { type: 'message' as const, channel: entry.name, id: data.id, seq, event, data: data.data, at };
      emit(typeof data.cid === 'string' ? { ...base, cid: data.cid } : base);
      return;
    }
    emit({ type: 'message', channel: entry.name, id: randomId(), seq, event, data, at: Date.now() });
  }

  function presenceEvent(entry: ChannelEntry, data: unknown, metadata: { user_id?: string } | undefined) {
    const from = metadata?.user_id;
    if (
      entry.kind !== 'presence' ||
      (typeof from !== 'string' && typeof from !== 'number') ||
      !isRecord(data) ||
      typeof data.tab !== 'string' ||
      typeof data.entered !== 'boolean'
    ) {
      reportError(new RealtimeError('bad_frame', `Dropped a malformed ${PUSHER_PRESENCE_EVENT} event on "${entry.name}".`, { raw: safeText(data) }));
      return;
    }
    const user = String(from);
    if (data.tab === tabId) return;
    let tabs = entry.tabs.get(user);
    if (data.gone === true) {
      tabs?.delete(data.tab);
      if (tabs?.size === 0) entry.tabs.delete(user);
    } else {
      if (!tabs) entry.tabs.set(user, (tabs = new Map()));
      tabs.set(data.tab, { entered: data.entered, data: data.data, status: toStatus(data.status), order: ++order });
    }
    entry.unannounced.delete(user);
    if (data.hello === true && entry.ready) announce(entry, false);
    membersChanged(entry);
  }

  function signalEvent(entry: ChannelEntry, data: unknown, metadata: { user_id?: string } | undefined) {
    if (!isRecord(data) || typeof data.event !== 'string' || data.event === '') {
      reportError(new RealtimeError('bad_frame', `Dropped a malformed ${PUSHER_SIGNAL_EVENT} event on "${entry.name}".`, { raw: safeText(data) }));
      return;
    }
    if (!entry.wanted || !entry.ready) return;
    const fromMeta = metadata?.user_id;
    const from =
      typeof fromMeta === 'string' || typeof fromMeta === 'number' ? String(fromMeta) : typeof data.from === 'string' ? data.from : 'unknown';
    emit({ type: 'signal', channel: entry.name, event: data.event, data: data.data, from });
  }

  // ---- presence ------------------------------------------------------------------------------------------

  function membersOf(entry: ChannelEntry): Members | null {
    if (entry.kind !== 'presence' || entry.channel === null) return null;
    return (entry.channel as PresenceChannel).members ?? null;
  }

  function announce(entry: ChannelEntry, hello: boolean) {
    if (!entry.ready || entry.channel === null) return;
    const { entered, data, status } = entry.self;
    entry.channel.trigger(PUSHER_PRESENCE_EVENT, {
      tab: tabId,
      entered,
      status,
      ...(entered && data !== undefined ? { data } : {}),
      ...(hello ? { hello: true } : {}),
    });
  }

  function membersChanged(entry: ChannelEntry) {
    if (!entry.synced) return;
    const next = computeMembers(entry);
    const previous = entry.visible;
    entry.visible = next;
    for (const [id, member] of next) {
      const before = previous.get(id);
      if (before === undefined) emit({ type: 'presence', channel: entry.name, action: 'enter', member });
      else if (!sameMember(before, member)) emit({ type: 'presence', channel: entry.name, action: 'update', member });
    }
    for (const [id, member] of previous) {
      if (!next.has(id)) emit({ type: 'presence', channel: entry.name, action: 'leave', member });
    }
  }

  /** One member per user id Pusher reports, from what its connections announced (self included). */
  function computeMembers(entry: ChannelEntry): Map<string, PresenceMember> {
    const result = new Map<string, PresenceMember>();
    const members = membersOf(entry);
    if (members === null) return result;
    const now = Date.now();
    const ids: string[] = [];
    members.each((member: { id: string }) => ids.push(String(member.id)));
    for (const id of ids) {
      const tabs = [...(entry.tabs.get(id)?.values() ?? [])];
      if (id === userId) tabs.push(entry.self);
      if (tabs.length === 0) {
        // Not announced (yet): hidden for a moment, then listed with its user_info.
        const seen = entry.unannounced.get(id);
        if (seen === undefined) {
          entry.unannounced.set(id, now);
          scheduleUnannounced(entry);
          continue;
        }
        if (now - seen < PUSHER_UNANNOUNCED_MEMBER_MS) continue;
        const info: unknown = (members.get(id) as { info?: unknown } | null)?.info;
        result.set(id, Object.freeze({ userId: id, data: info ?? null, connections: 1, status: 'active' }));
        continue;
      }
      const entered = tabs.filter((tab) => tab.entered);
      if (entered.length === 0) continue;
      let newest = entered[0]!;
      let status: PresenceStatus = 'away';
      for (const tab of entered) {
        if (tab.order > newest.order) newest = tab;
        if (STATUS_RANK[tab.status] < STATUS_RANK[status]) status = tab.status;
      }
      result.set(id, Object.freeze({ userId: id, data: newest.data, connections: entered.length, status }));
    }
    for (const id of [...entry.unannounced.keys()]) if (!ids.includes(id)) entry.unannounced.delete(id);
    return result;
  }

  function scheduleUnannounced(entry: ChannelEntry) {
    if (entry.unannouncedTimer !== null) return;
    entry.unannouncedTimer = setTimeout(() => {
      entry.unannouncedTimer = null;
      membersChanged(entry);
      if (entry.unannounced.size > 0 && [...entry.unannounced.values()].some((seen) => Date.now() - seen < PUSHER_UNANNOUNCED_MEMBER_MS)) {
        scheduleUnannounced(entry);
      }
    }, PUSHER_UNANNOUNCED_MEMBER_MS);
    (entry.unannouncedTimer as { unref?: () => void }).unref?.();
  }

  function clearUnannounced(entry: ChannelEntry) {
    if (entry.unannouncedTimer !== null) clearTimeout(entry.unannouncedTimer);
    entry.unannouncedTimer = null;
    entry.unannounced.clear();
  }

  // ---- outgoing ------------------------------------------------------------------------------------------

  function sendOutgoing(entry: ChannelEntry, item: Outgoing) {
    const channel = entry.channel;
    if (channel === null) return;
    if (item.type === 'signal') {
      const { event, data } = item.frame;
      channel.trigger(PUSHER_SIGNAL_EVENT, { event, data, from: userId ?? pusher.connection.socket_id });
      return;
    }
    const { cid, event, data } = item.frame;
    const at = Date.now();
    // Not sent (the connection just dropped): the client re-sends it from its outbox on the next session.
    if (!channel.trigger(PUSHER_CLIENT_EVENT_PREFIX + event, { rk: 1, id: cid, cid, data, at })) return;
    // Pusher does not echo a client event to its sender: deliver it here, as our own server would.
    const seq = ++entry.seq;
    if (entry.wanted) emit({ type: 'message', channel: entry.name, id: cid, seq, event, data, cid, at });
    emit({ type: 'ack', cid, channel: entry.name, id: cid, seq });
  }

  function publish(frame: Extract<ClientFrame, { type: 'publish' }>) {
    const nack = (code: RealtimeErrorCode, message: string) => emit({ type: 'nack', cid: frame.cid, channel: frame.channel, error: { code, message } });
    const entry = entryFor(frame.channel);
    if (entry.kind === 'public') {
      return nack(
        'forbidden',
        `Pusher allows client events only on private- and presence- channels: "${frame.channel}" is public. Publish from your server (pusherPublisher from @realtime-kit/server/pusher), or use a private- channel.`,
      );
    }
    const eventName = PUSHER_CLIENT_EVENT_PREFIX + frame.event;
    if (eventName === PUSHER_PRESENCE_EVENT || eventName === PUSHER_SIGNAL_EVENT) {
      return nack('invalid_payload', `The event name "${frame.event}" is reserved by realtime-kit on Pusher; use another name.`);
    }
    if (eventName.length > 200) return nack('invalid_payload', `Pusher event names are at most 200 characters ("client-" included); "${frame.event}" is too long.`);
    let size: number;
    try {
      size = new TextEncoder().encode(JSON.stringify({ event: eventName, channel: frame.channel, data: { rk: 1, id: frame.cid, cid: frame.cid, data: frame.data, at: 0 } })).length;
    } catch (cause) {
      throw new RealtimeError('invalid_payload', `The publish of "${frame.event}" on "${frame.channel}" is not JSON-serialisable.`, { cause });
    }
    if (size > PUSHER_MAX_MESSAGE_BYTES) {
      return nack('message_too_large', `Pusher refuses messages over ${PUSHER_MAX_MESSAGE_BYTES} bytes; this publish is ${size} bytes. Send a reference (an id) and fetch the payload instead.`);
    }
    queue(entry, { type: 'publish', frame });
  }

  function signal(frame: Extract<ClientFrame, { type: 'signal' }>) {
    const entry = entryFor(frame.channel);
    if (entry.kind === 'public') {
      emit({
        type: 'error',
        channel: frame.channel,
        error: { code: 'forbidden', message: `Pusher allows client events (signals) only on private- and presence- channels: "${frame.channel}" is public.` },
      });
      return;
    }
    queue(entry, { type: 'signal', frame });
  }

  function queue(entry: ChannelEntry, item: Outgoing) {
    if (entry.ready) return sendOutgoing(entry, item);
    entry.outgoing.push(item);
    hold(entry);
  }

  function presence(frame: Extract<ClientFrame, { type: 'presence' }>) {
    const entry = entryFor(frame.channel);
    if (entry.kind !== 'presence') {
      emit({
        type: 'error',
        channel: frame.channel,
        error: { code: 'forbidden', message: `Presence on Pusher needs a presence- channel: "${frame.channel}" is not one.` },
      });
      return;
    }
    const self = entry.self;
    const status = frame.status === undefined ? (frame.action === 'enter' ? 'active' : self.status) : toStatus(frame.status);
    if (frame.action === 'leave') entry.self = { ...self, entered: false, order: ++order };
    else if (frame.action === 'enter') entry.self = { entered: true, data: frame.data, status, order: ++order };
    else if ('data' in frame) entry.self = { entered: true, data: frame.data, status, order: ++order };
    // A status-only update does not make this tab's data the newest.
    else entry.self = { ...self, entered: true, status };
    announce(entry, false);
    membersChanged(entry);
  }

  function subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>) {
    const entry = entryFor(frame.channel);
    entry.wanted = true;
    if (frame.after !== undefined && frame.after > entry.seq) entry.seq = frame.after;
    if (entry.ready) return confirm(entry);
    hold(entry);
  }

  function unsubscribe(frame: Extract<ClientFrame, { type: 'unsubscribe' }>) {
    const entry = entries.get(frame.channel);
    if (!entry) return;
    entry.wanted = false;
    entry.synced = false;
    if (entry.kind === 'presence' && entry.ready) {
      // Other tabs of this user stay on Pusher's member list: tell them this one is gone.
      entry.channel?.trigger(PUSHER_PRESENCE_EVENT, { tab: tabId, entered: false, status: 'active', gone: true });
    }
    entry.self = { ...entry.self, entered: false };
    releaseIfIdle(entry);
  }

  // ---- auth with per-request headers ------------------------------------------------------------------------

  function installAuthorizer(headers: NonNullable<PusherTransportOptions['headers']>) {
    const auth = (pusher.options.channelAuthorization ?? {}) as {
      customHandler?: unknown;
      endpoint?: string;
      headers?: Record<string, string>;
      params?: Record<string, string>;
      headersProvider?: () => Record<string, string>;
      paramsProvider?: () => Record<string, string>;
    };
    if (auth.customHandler !== undefined) {
      throw new TypeError(
        'pusherTransport: the headers option posts the authorization itself and cannot be combined with channelAuthorization.customHandler: add the headers in your handler.',
      );
    }
    const endpoint = auth.endpoint ?? pusher.options.authEndpoint ?? '/pusher/auth';
    pusher.config.channelAuthorizer = (params: { socketId: string; channelName: string }, callback: ChannelAuthorizationCallback) => {
      void (async () => {
        const body = new URLSearchParams({ socket_id: params.socketId, channel_name: params.channelName });
        for (const [name, value] of Object.entries({ ...auth.params, ...auth.paramsProvider?.() })) body.append(name, String(value));
        const requestHeaders = { ...auth.headers, ...auth.headersProvider?.(), ...(await headers()), 'content-type': 'application/x-www-form-urlencoded' };
        const response = await fetch(endpoint, { method: 'POST', headers: requestHeaders, body: body.toString() });
        const text = await response.text();
        if (!response.ok) {
          const message = `The channel authorization endpoint ${endpoint} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
          authFailures.set(params.channelName, { status: response.status, message });
          return callback(new Error(message), null);
        }
        let data: unknown;
        try {
          data = JSON.parse(text);
        } catch {
          data = undefined;
        }
        if (!isRecord(data) || typeof data.auth !== 'string') {
          const message = `The channel authorization endpoint ${endpoint} answered 200 without an "auth" string.`;
          authFailures.set(params.channelName, { status: 200, message });
          return callback(new Error(message), null);
        }
        callback(null, {
          auth: data.auth,
          ...(typeof data.channel_data === 'string' ? { channel_data: data.channel_data } : {}),
          ...(typeof data.shared_secret === 'string' ? { shared_secret: data.shared_secret } : {}),
        });
      })().catch((cause: unknown) => {
        const message = `The channel authorization request to ${endpoint} failed: ${cause instanceof Error ? cause.message : String(cause)}`;
        authFailures.set(params.channelName, { status: 0, message });
        callback(cause instanceof Error ? cause : new Error(message), null);
      });
    };
  }

  return {
    kind: 'pusher',
    pusher,
    subscribe: (listener) => addStateListener(() => listener()),
    getSnapshot: () => state,
    connect() {
      closing = false;
      const current = pusher.connection.state;
      if (current === 'connected') {
        // Connected before this transport was made (pusher-js connects on construction): welcome now.
        if (!open) setState({ status: 'open' });
        if (welcomed !== pusher.connection.socket_id) welcome();
        return;
      }
      if (current === 'connecting' || current === 'unavailable') return;
      pusher.connect();
    },
    close() {
      closing = true;
      // Other tabs of this user stay on Pusher's member lists: tell them this one is gone.
      let told = false;
      for (const entry of entries.values()) {
        if (entry.kind !== 'presence' || !entry.ready || entry.channel === null) continue;
        told = entry.channel.trigger(PUSHER_PRESENCE_EVENT, { tab: tabId, entered: false, status: 'active', gone: true }) || told;
      }
      setState({ status: 'closed' });
      // pusher-js sends on a later tick (a deferred socket.send): disconnect after it, or the message is lost.
      if (told) {
        setTimeout(() => {
          if (closing) pusher.disconnect();
        }, 0);
      } else {
        pusher.disconnect();
      }
    },
    reconnect() {
      closing = false;
      // pusher-js reports `disconnected` then `connecting` synchronously: neither is a lost connection.
      reconnecting = true;
      pusher.disconnect();
      setState({ status: 'connecting', attempt: 0 });
      pusher.connect();
      reconnecting = false;
    },
    send(frame: ClientFrame) {
      if (!open) return false;
      switch (frame.type) {
        case 'subscribe':
          subscribe(frame);
          break;
        case 'unsubscribe':
          unsubscribe(frame);
          break;
        case 'publish':
          publish(frame);
          break;
        case 'presence':
          presence(frame);
          break;
        case 'signal':
          signal(frame);
          break;
        case 'ping':
          emit({ type: 'pong', t: frame.t });
          break;
      }
      return true;
    },
    onFrame: addFrameListener,
    onError: addErrorListener,
  };
}

function initialStatus(pusherState: string): ConnectionState['status'] {
  switch (pusherState) {
    case 'connected':
      return 'open';
    case 'connecting':
      return 'connecting';
    case 'unavailable':
      return 'reconnecting';
    case 'failed':
    case 'disconnected':
      return 'closed';
    default:
      return 'idle';
  }
}

interface Envelope {
  readonly rk: 1;
  readonly id: string;
  readonly cid?: unknown;
  readonly at?: unknown;
  readonly data: unknown;
}

function isEnvelope(value: unknown): value is Envelope {
  return isRecord(value) && value.rk === 1 && typeof value.id === 'string' && value.id !== '' && 'data' in value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toStatus(value: unknown): PresenceStatus {
  return value === 'idle' || value === 'away' ? value : 'active';
}

/** Whether a Pusher error message names `channel` (as in "… hex digest of 123.456:private-room, but got …"). */
function mentions(message: string, channel: string): boolean {
  return new RegExp(`(^|[\\s:"'(])${channel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s:,"').])`).test(message);
}

function sameMember(a: PresenceMember, b: PresenceMember): boolean {
  return a.connections === b.connections && a.status === b.status && (Object.is(a.data, b.data) || JSON.stringify(a.data) === JSON.stringify(b.data));
}

function safeText(value: unknown): string {
  try {
    return (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))).slice(0, 1024);
  } catch {
    return String(value).slice(0, 1024);
  }
}
