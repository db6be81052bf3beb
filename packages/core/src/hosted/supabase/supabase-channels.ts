import type { RealtimeChannel } from '@supabase/supabase-js';
import { unrefTimer } from '../../lib/unref-timer.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { createSeenIds } from '../shared/seen-ids.js';
import type { SupabaseLifecycle } from './supabase-channel-lifecycle.js';
import { clearTimer, inUse, PUBLISH_ONLY_LINGER_MS, SEEN_IDS, type ChannelRecord, type SupabaseContext } from './supabase-context.js';
import { deliverBroadcast, deliverPostgresChange, type RawPostgresChange } from './supabase-incoming.js';
import type { SupabasePresence } from './supabase-presence.js';

/** The channels half of the Supabase adapter: one SDK channel per channel in use, joined, replaced and left. */
export interface SupabaseChannels {
  /** The record of channel `name`, made (and joined) on first use. */
  recordFor(name: string): ChannelRecord;
  /** Joins again on a fresh SDK channel (a new session, or the server closed the old one). */
  replaceSdkChannel(record: ChannelRecord): void;
  /** Leaves the channel and forgets it. */
  release(record: ChannelRecord): void;
  /** A channel nobody subscribes to is left once its publishes are done (after a linger, joins cost). */
  maybeRelease(record: ChannelRecord): void;
  /** The client hears `subscribed` once the join is complete, presence state included. */
  maybeConfirm(record: ChannelRecord): void;
  subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>): void;
  unsubscribe(frame: Extract<ClientFrame, { type: 'unsubscribe' }>): void;
}

export interface SupabaseChannelParts {
  readonly presence: SupabasePresence;
  readonly lifecycle: SupabaseLifecycle;
}

export function createSupabaseChannels(context: SupabaseContext, parts: () => SupabaseChannelParts): SupabaseChannels {
  const { realtime, records } = context;

  function recordFor(name: string): ChannelRecord {
    const existing = records.get(name);
    if (existing) return existing;
    const presence = context.presenceFor(name);
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
      seen: createSeenIds(SEEN_IDS),
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
    if (realtime.getChannels().some((channel) => channel.topic === `realtime:${record.name}` && !context.own.has(channel))) {
      // realtime.channel() would hand back the app's own channel of that name, joined with its own config.
      queueMicrotask(() =>
        context.emit({
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
      presence: { key: context.userId ?? '', enabled: record.presence },
      private: context.privateFor(record.name),
    };
    const sdk = realtime.channel(record.name, { config });
    context.own.add(sdk);
    record.presenceSynced = !record.presence;
    record.metas = new Map();
    record.pendingDiffs = [];
    const current = () => record.generation === generation && records.get(record.name) === record && !context.flags.stopped;
    listen(record, sdk, current);
    try {
      sdk.subscribe((status, error) => {
        if (current()) parts().lifecycle.onStatus(record, `${status}`, error);
      });
    } catch (cause) {
      // realtime-js connects the socket when a channel subscribes: it throws where it has no WebSocket.
      queueMicrotask(() =>
        context.emit({
          type: 'error',
          channel: record.name,
          error: { code: 'unavailable', message: `supabaseTransport could not join "${record.name}": ${cause instanceof Error ? cause.message : String(cause)}` },
        }),
      );
    }
    return sdk;
  }

  /** Our listeners on a new SDK channel; `current()` is false once it was replaced or left. */
  function listen(record: ChannelRecord, sdk: RealtimeChannel, current: () => boolean) {
    sdk.on('broadcast', { event: '*' }, (message) => {
      if (current()) deliverBroadcast(context, record, message as { event?: unknown; payload?: unknown });
    });
    if (record.presence) {
      // realtime-js 2.108's own presence state loses metas' refs when a key has several (supabase-js#2565), so
      // members never leave: the adapter keeps the state itself from the protocol's presence_state and
      // presence_diff events, which realtime-js lets any binding receive. A fresh SDK channel per join keeps the
      // state payload untouched by the SDK's copy of it.
      const onEvent = sdk.on.bind(sdk) as unknown as (type: string, filter: object, callback: (payload: unknown) => void) => RealtimeChannel;
      onEvent('presence_state', {}, (payload) => {
        if (current()) parts().presence.onState(record, payload);
      });
      onEvent('presence_diff', {}, (payload) => {
        if (current()) parts().presence.onDiff(record, payload);
      });
    }
    for (const filter of context.options.postgresChanges?.[record.name] ?? []) {
      sdk.on(
        'postgres_changes',
        {
          event: filter.event as '*',
          schema: filter.schema,
          ...(filter.table === undefined ? {} : { table: filter.table }),
          ...(filter.filter === undefined ? {} : { filter: filter.filter }),
        },
        (payload) => {
          if (current()) deliverPostgresChange(context, record, payload as unknown as RawPostgresChange);
        },
      );
    }
    sdk.on('system', {}, (payload: unknown) => {
      if (current()) parts().lifecycle.onSystem(record, payload);
    });
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

  function release(record: ChannelRecord) {
    if (records.get(record.name) !== record) return;
    records.delete(record.name);
    for (const key of ['presenceWait', 'presenceTimer', 'rejoinTimer', 'lingerTimer'] as const) clearTimer(record, key);
    record.generation += 1;
    void realtime.removeChannel(record.sdk);
  }

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
    unrefTimer(record.lingerTimer);
  }

  function maybeConfirm(record: ChannelRecord) {
    if (!record.wanted || !record.joined || !record.presenceSynced || record.confirmed || !context.flags.session) return;
    record.confirmed = true;
    if (record.gapFrom !== null) {
      if (record.gapFrom <= record.seq) context.emit({ type: 'gap', channel: record.name, from: record.gapFrom, to: record.seq });
      record.gapFrom = null;
    }
    if (record.presence) context.emit({ type: 'presence', channel: record.name, action: 'sync', members: [...record.members.values()] });
    context.emit({ type: 'subscribed', channel: record.name, seq: record.seq });
  }

  return {
    recordFor,
    replaceSdkChannel,
    release,
    maybeRelease,
    maybeConfirm,
    subscribe(frame) {
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
    },
    unsubscribe(frame) {
      const record = records.get(frame.channel);
      if (!record) return;
      record.wanted = false;
      record.confirmed = false;
      record.gapFrom = null;
      // Presence needs no untrack: leaving the channel ends it on the server.
      record.desired = null;
      if (record.outgoing.length === 0 && record.inflight.size === 0) release(record);
      else maybeRelease(record);
    },
  };
}
