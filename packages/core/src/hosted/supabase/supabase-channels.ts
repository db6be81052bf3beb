import type { RealtimeChannel } from '@supabase/supabase-js';
import { unrefTimer } from '../../lib/unref-timer.js';
import type { ClientFrame } from '../../protocol/frames.js';
import { createSeenIds } from '../shared/seen-ids.js';
import type { SupabaseLifecycle } from './supabase-channel-lifecycle.js';
import {
  clearTimer,
  inUse,
  PUBLISH_ONLY_LINGER_MS,
  SEEN_IDS,
  type ChannelRecord,
  type SupabaseContext,
} from './supabase-context.js';
import type { SupabasePresence } from './supabase-presence.js';
import { openSdkChannel } from './supabase-sdk-channel.js';

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
    record.sdk = openSdkChannel(context, record, parts);
    return record;
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
    record.sdk = openSdkChannel(context, record, parts);
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
    if (!record.wanted || !record.joined || !record.presenceSynced || record.confirmed || !context.flags.session)
      return;
    record.confirmed = true;
    if (record.gapFrom !== null) {
      if (record.gapFrom <= record.seq)
        context.emit({ type: 'gap', channel: record.name, from: record.gapFrom, to: record.seq });
      record.gapFrom = null;
    }
    if (record.presence)
      context.emit({ type: 'presence', channel: record.name, action: 'sync', members: [...record.members.values()] });
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
