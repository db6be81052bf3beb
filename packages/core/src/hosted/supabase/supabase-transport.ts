// @supabase/supabase-js is imported for types only: this entry has no runtime dependency on it (it is an optional
// peer), the app passes in the client it created with `createClient`.
import type { RealtimeChannel } from '@supabase/supabase-js';
import { randomId } from '../../lib/random-id.js';
import type { ServerFrame } from '../../protocol/frames.js';
import { createTransportListeners } from '../../transports/transport-events.js';
import { hostedTransportMembers } from '../shared/hosted-transport-members.js';
import { createSupabaseLifecycle } from './supabase-channel-lifecycle.js';
import { createSupabaseChannels, type SupabaseChannelParts } from './supabase-channels.js';
import { createSupabaseConnection } from './supabase-connection.js';
import type { PresenceLimit, SupabaseContext } from './supabase-context.js';
import { createSupabasePresence } from './supabase-presence.js';
import { createSupabasePublisher } from './supabase-publish.js';
import {
  DEFAULT_PRESENCE_MIN_INTERVAL_MS,
  SUPABASE_PRESENCE_LIMIT,
  type SupabaseRealtimeHost,
  type SupabaseTransport,
  type SupabaseTransportOptions,
} from './supabase-types.js';

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
 *   (`SupabasePostgresChange`).
 * - **Signals** travel as Broadcasts named `SUPABASE_SIGNAL_EVENT`.
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
export function supabaseTransport(
  client: SupabaseRealtimeHost,
  options: SupabaseTransportOptions = {},
): SupabaseTransport {
  const realtime = client.realtime;
  const [addFrameListener, emit] = createTransportListeners<ServerFrame>();
  const context: SupabaseContext = {
    realtime,
    options,
    userId: options.userId,
    anonymousId: `anonymous-${randomId()}`,
    limit: resolvePresenceLimit(options),
    records: new Map(),
    own: new WeakSet<RealtimeChannel>(),
    flags: { stopped: false, session: false },
    emit,
    presenceFor: (name) =>
      typeof options.presence === 'function'
        ? options.presence(name)
        : (options.presence ?? options.userId !== undefined),
    privateFor: (name) => (typeof options.private === 'function' ? options.private(name) : options.private === true),
  };
  const channels = createSupabaseChannels(context, () => parts);
  const publisher = createSupabasePublisher(context, channels);
  const presence = createSupabasePresence(context, channels);
  const parts: SupabaseChannelParts = {
    presence,
    lifecycle: createSupabaseLifecycle(context, { channels, publisher, presence }),
  };
  const connection = createSupabaseConnection(context, channels);
  if (realtime.isConnected()) connection.attach();

  return {
    kind: 'supabase',
    realtime,
    ...hostedTransportMembers(
      connection,
      {
        subscribe: channels.subscribe,
        unsubscribe: channels.unsubscribe,
        publish: publisher.publish,
        presence: presence.handleFrame,
        signal: publisher.signal,
      },
      emit,
      addFrameListener,
    ),
  };
}

function resolvePresenceLimit(options: SupabaseTransportOptions): PresenceLimit {
  const limit = {
    maxCalls: options.presenceLimit?.maxCalls ?? SUPABASE_PRESENCE_LIMIT.maxCalls,
    windowMs: options.presenceLimit?.windowMs ?? SUPABASE_PRESENCE_LIMIT.windowMs,
    minIntervalMs: options.presenceLimit?.minIntervalMs ?? DEFAULT_PRESENCE_MIN_INTERVAL_MS,
  };
  if (!(limit.maxCalls >= 1) || !(limit.windowMs >= 0) || !(limit.minIntervalMs >= 0)) {
    throw new RangeError('supabaseTransport: presenceLimit needs maxCalls >= 1, windowMs >= 0 and minIntervalMs >= 0.');
  }
  return limit;
}
