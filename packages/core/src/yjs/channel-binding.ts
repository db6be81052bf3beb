/**
 * Yjs over a realtime-kit channel: a Y.Doc kept in step with everyone else on the channel, through the same
 * channel API on every transport (our WebSocket server, SSE, Pusher, Ably, Supabase, the in-memory test kit).
 *
 * The wire protocol (three events, binary payloads as base64):
 * - `yjs-update` — **published** (stored in the channel's log): a Yjs update with local edits, several keystrokes
 *   merged into one (`flushMs`). Because it is stored, a client that drops off gets what it missed replayed when
 *   it resumes, and its own edits made offline wait (merged, so one message however long it was away) until the
 *   channel is subscribed again, then go out. Yjs updates are commutative and idempotent: replays, duplicates,
 *   echoes and any order all converge.
 * - `yjs-sync-request` — a **signal** `{ rid, sv }` a client sends each time its subscription (re)starts:
 *   "here is my state vector". A subscription that starts fresh begins at the live edge (there is no history for
 *   a newcomer), and a log can be trimmed, so the newcomer asks the peers who are here.
 * - `yjs-sync` — a **signal** `{ rid, update, sv }` every peer answers with: exactly what the asker lacks
 *   (`Y.encodeStateAsUpdate(doc, sv)`), plus its own state vector. If the asker holds others' edits that peer
 *   lacks (they fell out of a trimmed log), it publishes them as a `yjs-update` so everyone gets them.
 *   Signals, not publishes: a full state is for one newcomer, and storing it in the log for every join would
 *   bloat the replay for everybody.
 *
 * A client alone on the channel is synced at once; one that hears nobody within `syncTimeoutMs` assumes it is
 * alone. Signals are not stored: without a server keeper the document lives in the members' memory (and in the log
 * while it keeps it).
 *
 * The server keeper (`keepYjsDocuments` in `@realtime-kit/server/yjs`) is a peer that is always present: it applies
 * every stored update, persists the document, and answers every sync request with `keeper: true` in its `yjs-sync`.
 * Such an answer is trusted to have seen every stored update, so what it lacks — our own edits included, lost with a
 * restarted log — is published again (a peer's answer leaves our own edits out: they may simply be in flight to it).
 * The keeper also compacts: it trims the log through updates it has saved, so a client resuming from before gets a
 * `gap` and re-syncs (`onGap` → `requestSync`): one merged answer instead of every keystroke since it left.
 */
import * as Y from 'yjs';
import type { Channel, ChannelMessage, ChannelSignal } from '../channel/types.js';
import type { PresenceMember } from '../protocol/frames.js';
import { randomId } from '../lib/random-id.js';
import { reportListenerError } from '../lib/report-listener-error.js';
import { createStore, type WritableStore } from '../store.js';
import { fromBase64, toBase64 } from './base64.js';
import { REMOTE_ORIGIN } from './origins.js';

/** The channel events the binding uses. */
export const YJS_EVENTS = {
  update: 'yjs-update',
  syncRequest: 'yjs-sync-request',
  sync: 'yjs-sync',
} as const;

/** What a UI renders about the binding. */
export interface YjsChannelState {
  /** The first sync of the current subscription finished (a peer answered, or nobody is here to ask). */
  readonly synced: boolean;
  /** Local edits not handed to the channel yet (offline, or waiting for the next flush). */
  readonly unsent: boolean;
}

export interface YjsChannelOptions {
  /** Merge local edits for this long before publishing them. Default 100 ms. */
  flushMs?: number;
  /** Give up waiting for a peer's sync answer after this long. Default 1500 ms. */
  syncTimeoutMs?: number;
  /** Whether a presence member is this client (so a lone client knows it is alone). Default: `userId === channel.userId`. */
  isSelf?: (member: PresenceMember) => boolean;
  /** A publish the server refused for good (too large, forbidden). Default: reported like a listener error (`reportError`). */
  onError?: (error: unknown) => void;
}

/** A Y.Doc bound to a channel; a store of {@link YjsChannelState}. */
export interface YjsChannelBinding {
  readonly doc: Y.Doc;
  getSnapshot(): YjsChannelState;
  subscribe(listener: () => void): () => void;
  /** Ask the peers for what this client lacks (done on every (re)subscribe and after a gap). */
  requestSync(): void;
  /** Stops listening and publishing. Unsent edits stay in the doc. */
  destroy(): void;
}

/** The part of a channel the binding uses: any transport's channel, or a test double. */
export type YjsChannel = Pick<
  Channel,
  'publish' | 'signal' | 'onSignal' | 'onGap' | 'getSnapshot' | 'userId' | 'presence'
> & {
  subscribe: Channel['subscribe'];
};

interface SyncRequest {
  rid: string;
  sv: string;
}
interface SyncAnswer {
  rid: string;
  update: string;
  sv: string;
  /** Set by the server's keeper (`@realtime-kit/server/yjs`): what it lacks is sent whoever made it. */
  keeper?: true;
}

/** Error codes after which publishing the same update again can succeed. */
const RETRYABLE = new Set(['rate_limited', 'unavailable', 'outbox_full', 'closed', 'network']);

/** What the binding's parts share. */
interface BindingContext {
  readonly doc: Y.Doc;
  readonly channel: YjsChannel;
  readonly state: WritableStore<YjsChannelState>;
  readonly onError: (error: unknown) => void;
  /** Set once `destroy()` ran: timers and in-flight publishes that land later do nothing. */
  readonly isDestroyed: () => boolean;
}

/**
 * Keeps `doc` in step with everyone on `channel` (see the protocol at the top of this file).
 * @example
 * const doc = new Y.Doc()
 * const binding = bindYjsToChannel(doc, client.channel('doc:42'))
 * doc.getText('text').insert(0, 'hello') // published to everyone on doc:42
 */
export function bindYjsToChannel(doc: Y.Doc, channel: YjsChannel, options: YjsChannelOptions = {}): YjsChannelBinding {
  let destroyed = false;
  const context: BindingContext = {
    doc,
    channel,
    state: createStore<YjsChannelState>({ synced: false, unsent: false }),
    onError: options.onError ?? reportListenerError,
    isDestroyed: () => destroyed,
  };
  const outgoing = createOutgoingUpdates(context, options.flushMs ?? 100);
  const sync = createPeerSync(context, outgoing.publish, {
    syncTimeoutMs: options.syncTimeoutMs ?? 1500,
    isSelf: options.isSelf ?? ((member: PresenceMember) => member.userId === channel.userId),
  });

  // The log → the doc (our own publishes come back too: they are already in the doc).
  const offUpdate = channel.subscribe(YJS_EVENTS.update, (message: ChannelMessage<unknown>) => {
    if (message.cid !== undefined && outgoing.isOwn(message.cid)) return;
    applyRemote(context, message.data);
  });

  // Every (re)subscription asks the peers for what it missed, then sends what was typed meanwhile.
  let wasSubscribed = false;
  const onChannelState = () => {
    const subscribed = channel.getSnapshot().subscribed;
    if (subscribed === wasSubscribed) return;
    wasSubscribed = subscribed;
    if (!subscribed) return;
    sync.restart();
    outgoing.flush();
  };
  const offState = channel.subscribe(onChannelState);
  onChannelState();
  // The log lost messages we missed: the peers still have them.
  const offGap = channel.onGap(() => sync.requestSync());

  return {
    doc,
    getSnapshot: context.state.getSnapshot,
    subscribe: context.state.subscribe,
    requestSync: sync.requestSync,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      outgoing.destroy();
      sync.destroy();
      offUpdate();
      offState();
      offGap();
    },
  };
}

/** Local edits → the channel's log: merged for `flushMs`, held while unsubscribed, sent again after a retryable refusal. */
function createOutgoingUpdates({ doc, channel, state, onError, isDestroyed }: BindingContext, flushMs: number) {
  let unsent: Uint8Array[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const ownCids = new Set<string>();
  const setUnsent = (value: boolean) =>
    state.set((current) => (current.unsent === value ? current : { ...current, unsent: value }));

  const scheduleFlush = () => {
    if (flushTimer !== undefined) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      flush();
    }, flushMs);
  };

  function flush() {
    // Offline, edits stay here merged (one message on reconnect, not one per keystroke in the outbox).
    if (isDestroyed() || unsent.length === 0 || !channel.getSnapshot().subscribed) return;
    const update = unsent.length === 1 ? unsent[0]! : Y.mergeUpdates(unsent);
    unsent = [];
    setUnsent(false);
    publish(update);
  }

  function publish(update: Uint8Array) {
    const cid = randomId();
    ownCids.add(cid);
    channel.publish(YJS_EVENTS.update, toBase64(update), { cid }).then(
      () => ownCids.delete(cid),
      (error: unknown) => {
        ownCids.delete(cid);
        if (isDestroyed()) return;
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code !== 'string' || !RETRYABLE.has(code)) {
          onError(error);
          return;
        }
        unsent.unshift(update);
        setUnsent(true);
        scheduleFlush();
      },
    );
  }

  const onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE_ORIGIN || isDestroyed()) return;
    unsent.push(update);
    setUnsent(true);
    scheduleFlush();
  };
  doc.on('update', onDocUpdate);

  return {
    flush,
    publish,
    isOwn: (cid: string) => ownCids.has(cid),
    destroy() {
      clearTimeout(flushTimer);
      doc.off('update', onDocUpdate);
    },
  };
}

/** The sync signals: ask the peers on every (re)subscription, answer their requests, settle `synced`. */
function createPeerSync(
  context: BindingContext,
  publish: (update: Uint8Array) => void,
  { syncTimeoutMs, isSelf }: { syncTimeoutMs: number; isSelf: (member: PresenceMember) => boolean },
) {
  const { doc, channel, state, isDestroyed } = context;
  const openRequests = new Set<string>();
  let syncTimer: ReturnType<typeof setTimeout> | undefined;
  const setSynced = (value: boolean) =>
    state.set((current) => (current.synced === value ? current : { ...current, synced: value }));

  /** Presence lists this client and nobody else (an empty list means presence has not arrived yet: unknown). */
  const aloneHere = () => {
    const members = channel.presence.members();
    return members.length > 0 && members.every((member) => isSelf(member));
  };

  function requestSync() {
    if (isDestroyed()) return;
    const rid = randomId();
    openRequests.add(rid);
    const sent = channel.signal(YJS_EVENTS.syncRequest, {
      rid,
      sv: toBase64(Y.encodeStateVector(doc)),
    } satisfies SyncRequest);
    if (!sent) {
      openRequests.delete(rid);
      return;
    }
    clearTimeout(syncTimer);
    if (aloneHere()) {
      setSynced(true);
      return;
    }
    syncTimer = setTimeout(() => setSynced(true), syncTimeoutMs);
  }

  // Presence often lands just after the subscription: a lone client need not wait out the timeout.
  const offPresence = channel.presence.subscribe(() => {
    if (!state.getSnapshot().synced && openRequests.size > 0 && aloneHere()) {
      clearTimeout(syncTimer);
      setSynced(true);
    }
  });

  const offRequest = channel.onSignal<unknown>(YJS_EVENTS.syncRequest, (signal: ChannelSignal<unknown>) => {
    const answer = answerFor(doc, signal.data);
    if (answer) channel.signal(YJS_EVENTS.sync, answer);
  });

  const offAnswer = channel.onSignal<unknown>(YJS_EVENTS.sync, (signal: ChannelSignal<unknown>) => {
    const answer = signal.data as Partial<SyncAnswer> | null;
    // Answers to someone else's request carry what *they* lacked: nothing for us.
    if (typeof answer?.rid !== 'string' || !openRequests.has(answer.rid)) return;
    applyRemote(context, answer.update);
    clearTimeout(syncTimer);
    setSynced(true);
    const missing = typeof answer.sv === 'string' ? editsMissingFrom(doc, answer.sv, answer.keeper === true) : null;
    if (missing) publish(missing);
  });

  return {
    requestSync,
    /** A new subscription: earlier requests' answers no longer count, and the doc is not synced until one comes. */
    restart() {
      openRequests.clear();
      setSynced(false);
      requestSync();
    },
    destroy() {
      clearTimeout(syncTimer);
      offPresence();
      offRequest();
      offAnswer();
    },
  };
}

/** The answer to a peer's sync request: what it lacks and our state vector, or null for a malformed request. */
function answerFor(doc: Y.Doc, data: unknown): SyncAnswer | null {
  const request = data as Partial<SyncRequest> | null;
  if (typeof request?.rid !== 'string' || typeof request.sv !== 'string') return null;
  const sv = fromBase64(request.sv);
  if (!sv) return null;
  try {
    return {
      rid: request.rid,
      update: toBase64(Y.encodeStateAsUpdate(doc, sv)),
      sv: toBase64(Y.encodeStateVector(doc)),
    };
  } catch {
    return null;
  }
}

/**
 * The edits a peer (state vector `theirs`) lacks, e.g. after they fell out of a trimmed log: published so everyone
 * gets them. From a peer, our own edits are left out: our publishes carry them, and the peer may simply not have
 * received them yet. From the server's keeper they are included: it has applied every stored update before it
 * answers, so an own edit it lacks was lost with its log (a restart) and would otherwise never come back.
 */
function editsMissingFrom(doc: Y.Doc, theirs: string, includeOwn: boolean): Uint8Array | null {
  const bytes = fromBase64(theirs);
  if (!bytes) return null;
  try {
    const known = Y.decodeStateVector(bytes);
    if (!includeOwn) known.set(doc.clientID, Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0);
    const missing = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(known));
    return isEmptyUpdate(missing) ? null : missing;
  } catch {
    return null;
  }
}

function applyRemote({ doc, onError }: BindingContext, data: unknown) {
  const update = typeof data === 'string' ? fromBase64(data) : null;
  if (!update) return;
  try {
    Y.applyUpdate(doc, update, REMOTE_ORIGIN);
  } catch (error) {
    onError(error);
  }
}

/** An update that carries nothing: no structs, an empty delete set. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}
