import type { RealtimeChannel } from '@supabase/supabase-js';
import type { SupabaseChannelParts } from './supabase-channels.js';
import type { ChannelRecord, SupabaseContext } from './supabase-context.js';
import { deliverBroadcast, deliverPostgresChange, type RawPostgresChange } from './supabase-incoming.js';

/**
 * A new SDK channel for `record`, with our listeners, joining now. Its callbacks are ignored once the record moved
 * on (a newer SDK channel, released, or the transport stopped).
 */
export function openSdkChannel(
  context: SupabaseContext,
  record: ChannelRecord,
  parts: () => SupabaseChannelParts,
): RealtimeChannel {
  const { realtime, records } = context;
  const generation = ++record.generation;
  if (
    realtime.getChannels().some((channel) => channel.topic === `realtime:${record.name}` && !context.own.has(channel))
  ) {
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
  const current = () =>
    record.generation === generation && records.get(record.name) === record && !context.flags.stopped;
  listen(context, record, sdk, current, parts);
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
        error: {
          code: 'unavailable',
          message: `supabaseTransport could not join "${record.name}": ${cause instanceof Error ? cause.message : String(cause)}`,
        },
      }),
    );
  }
  return sdk;
}

/** Our listeners on a new SDK channel; `current()` is false once it was replaced or left. */
function listen(
  context: SupabaseContext,
  record: ChannelRecord,
  sdk: RealtimeChannel,
  current: () => boolean,
  parts: () => SupabaseChannelParts,
) {
  sdk.on('broadcast', { event: '*' }, (message) => {
    if (current()) deliverBroadcast(context, record, message as { event?: unknown; payload?: unknown });
  });
  if (record.presence) {
    // realtime-js 2.108's own presence state loses metas' refs when a key has several (supabase-js#2565), so
    // members never leave: the adapter keeps the state itself from the protocol's presence_state and
    // presence_diff events, which realtime-js lets any binding receive. A fresh SDK channel per join keeps the
    // state payload untouched by the SDK's copy of it.
    const onEvent = sdk.on.bind(sdk) as unknown as (
      type: string,
      filter: object,
      callback: (payload: unknown) => void,
    ) => RealtimeChannel;
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
