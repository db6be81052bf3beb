import type { RealtimeClient } from '@supabase/supabase-js';
import { RealtimeError } from '../../errors.js';
import { randomId } from '../../lib/random-id.js';
import { PROTOCOL_VERSION, type ServerFrame } from '../../protocol/frames.js';
import { createSessionState, type SessionState } from '../shared/session-state.js';
import type { SupabaseChannels } from './supabase-channels.js';
import { clearTimer, inUse, type SupabaseContext } from './supabase-context.js';
import { upgradeStatusOf } from './supabase-errors.js';

type StateCallbacks = RealtimeClient['stateChangeCallbacks'];

/** The connection half of the Supabase adapter: the SDK socket's open, close and error mapped onto our state. */
export interface SupabaseConnection {
  readonly state: SessionState;
  isOpen(): boolean;
  /** Listens to the SDK socket (once); the transport does so when made on a connected client, or on `connect()`. */
  attach(): void;
  connect(): void;
  close(): void;
  reconnect(): void;
}

/**
 * Every open of the SDK socket is a new session: channels join again on fresh SDK channels and a `welcome` goes
 * out. A close is `reconnecting` while the SDK retries (`idle` when it stopped because no channel is left); a
 * refused API key (HTTP 401/403 on the upgrade) closes for good.
 */
export function createSupabaseConnection(context: SupabaseContext, channels: SupabaseChannels): SupabaseConnection {
  const { realtime, records, flags } = context;
  const state = createSessionState();
  /** Our own disconnect, as part of `reconnect()`: its close event is not a failure. */
  let restarting = 0;
  let lastError: RealtimeError | null = null;
  let callbacks: { ref: string; attached: StateCallbacks } | null = null;

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
    for (const key of ['open', 'close', 'error'] as const)
      attached[key] = attached[key].filter(([entry]) => entry !== ref);
    callbacks = null;
  }

  function onSocketOpen() {
    if (flags.stopped) return;
    if (flags.session) {
      // The SDK replaced a connection without a close event reaching us (a heartbeat timeout whose socket never
      // finished closing): end that session visibly, so the client resubscribes and re-sends on this one.
      endSession();
      const error = new RealtimeError(
        'heartbeat_timeout',
        'The Supabase Realtime connection stopped answering; reconnected.',
        { retryable: true },
      );
      state.set({ status: 'reconnecting', error, attempt: state.getSnapshot().attempt });
    }
    lastError = null;
    flags.session = true;
    // Every session joins with fresh SDK channels, before the SDK rejoins the old ones (our open callback runs
    // first): each join then starts from an empty presence state, and none is left unjoined.
    for (const record of [...records.values()]) {
      if (inUse(record)) channels.replaceSdkChannel(record);
      else channels.release(record);
    }
    const welcome: ServerFrame = {
      type: 'welcome',
      v: PROTOCOL_VERSION,
      connectionId: `supabase-${randomId()}`,
      heartbeatMs: 0,
      ...(context.userId === undefined ? {} : { userId: context.userId }),
    };
    context.emit(welcome);
    state.set({ status: 'open' });
  }

  function onSocketClose() {
    if (flags.stopped) return;
    endSession();
    if (restarting > 0) return;
    if (realtime.getChannels().length === 0) {
      // The SDK disconnects by itself once it has no channels left: nothing is in use, nothing to retry.
      state.set({ status: 'idle' });
      return;
    }
    const attempt = state.getSnapshot().attempt + 1;
    const retryInMs = realtime.reconnectAfterMs(realtime.reconnectTimer.tries + 1);
    const error =
      lastError ??
      new RealtimeError('network', 'The Supabase Realtime connection was lost; the SDK is reconnecting.', {
        retryable: true,
      });
    state.set({ status: 'reconnecting', error, attempt, retryInMs, retryAt: Date.now() + retryInMs });
  }

  function onSocketError(event: unknown) {
    if (flags.stopped) return;
    const failure = socketFailureOf(event);
    if (!failure.retryable) {
      // A refused key is final: stop the SDK's retries (they would only be refused again).
      flags.stopped = true;
      endSession();
      void realtime.disconnect();
      state.set({ status: 'closed', error: failure, attempt: state.getSnapshot().attempt });
      return;
    }
    lastError = failure;
    const current = state.getSnapshot();
    if (current.status === 'connecting' || current.status === 'reconnecting')
      state.set({ ...current, status: 'reconnecting', error: lastError });
  }

  const endSession = () => endSessionOf(context, channels);

  function connect() {
    if (flags.stopped && state.getSnapshot().status === 'closed') flags.stopped = false;
    attach();
    if (realtime.isConnected()) {
      if (!flags.session) onSocketOpen();
      return;
    }
    const status = state.getSnapshot().status;
    if (status === 'idle' || status === 'closed') state.set({ status: 'connecting' });
    try {
      realtime.connect();
    } catch (cause) {
      flags.stopped = true;
      const message = `Supabase Realtime cannot connect: ${cause instanceof Error ? cause.message : String(cause)}`;
      state.set({ status: 'closed', error: new RealtimeError('unavailable', message, { cause }) });
    }
  }

  return {
    state,
    isOpen: () => state.getSnapshot().status === 'open' && flags.session,
    attach,
    connect,
    close() {
      flags.stopped = true;
      flags.session = false;
      for (const record of [...records.values()]) channels.release(record);
      detach();
      // The SDK connection is shared with whatever else the app does on it: only disconnect when nothing else is left.
      if (realtime.getChannels().every((channel) => context.own.has(channel))) void realtime.disconnect();
      state.set({ status: 'closed' });
    },
    reconnect() {
      flags.stopped = false;
      attach();
      restarting += 1;
      endSession();
      state.set({ status: 'connecting' });
      void realtime.disconnect().then(() => {
        restarting -= 1;
        if (flags.stopped || restarting > 0) return;
        connect();
      });
    },
  };
}

/** The server forgot everything of this connection: joins, presence, replies still to come. */
function endSessionOf(context: SupabaseContext, channels: SupabaseChannels) {
  context.flags.session = false;
  for (const record of context.records.values()) {
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
    channels.maybeRelease(record);
  }
}

/** What a socket error means: a refused API key (HTTP 401/403 on the upgrade, final), else a failure the SDK retries. */
function socketFailureOf(event: unknown): RealtimeError {
  const status = upgradeStatusOf(event);
  if (status === 401 || status === 403) {
    return new RealtimeError(
      'unauthorized',
      `Supabase Realtime refused the API key (HTTP ${status}). Check the key passed to createClient, then call reconnect().`,
      {
        status,
        cause: event,
      },
    );
  }
  return new RealtimeError(
    status !== null && status >= 500 ? 'server_error' : 'network',
    status !== null
      ? `Supabase Realtime answered the WebSocket upgrade with HTTP ${status}; the SDK retries.`
      : 'The Supabase Realtime connection failed; the SDK retries.',
    { status: status ?? undefined, cause: event, retryable: true },
  );
}
