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
 * alone. Signals are not stored: the document lives in the members' memory (and in the log while it keeps it).
 * Persist it yourself (e.g. `Y.encodeStateAsUpdate` to your database) if it must outlive everyone leaving.
 */
import * as Y from 'yjs';
import type { Channel, ChannelMessage, ChannelSignal, PresenceMember } from '@realtime-kit/react';

/** The channel events the binding uses. */
export const YJS_EVENTS = {
  update: 'yjs-update',
  syncRequest: 'yjs-sync-request',
  sync: 'yjs-sync',
} as const;

/** Transaction origin of edits made through this client (the textarea); everything else came from the channel. */
export const LOCAL_ORIGIN = Symbol('yjs-channel:local');
/** Transaction origin of updates applied from the channel. */
export const REMOTE_ORIGIN = Symbol('yjs-channel:remote');

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
  /** A publish the server refused for good (too large, forbidden). Default `reportError`. */
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

type ChannelLike = Pick<Channel, 'publish' | 'signal' | 'onSignal' | 'onGap' | 'getSnapshot' | 'userId' | 'presence'> & {
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
}

/** Error codes after which publishing the same update again can succeed. */
const RETRYABLE = new Set(['rate_limited', 'unavailable', 'outbox_full', 'closed', 'network']);

/**
 * Keeps `doc` in step with everyone on `channel` (see the protocol at the top of this file).
 * @example
 * const doc = new Y.Doc()
 * const binding = bindYjsToChannel(doc, client.channel('doc:42'))
 * doc.getText('text').insert(0, 'hello') // published to everyone on doc:42
 */
export function bindYjsToChannel(doc: Y.Doc, channel: ChannelLike, options: YjsChannelOptions = {}): YjsChannelBinding {
  const flushMs = options.flushMs ?? 100;
  const syncTimeoutMs = options.syncTimeoutMs ?? 1500;
  const isSelf = options.isSelf ?? ((member: PresenceMember) => member.userId === channel.userId);
  const onError = options.onError ?? ((error: unknown) => reportError(error));

  let state: YjsChannelState = { synced: false, unsent: false };
  const listeners = new Set<() => void>();
  const set = (next: Partial<YjsChannelState>) => {
    const merged = { ...state, ...next };
    if (merged.synced === state.synced && merged.unsent === state.unsent) return;
    state = merged;
    for (const listener of [...listeners]) listener();
  };

  let destroyed = false;
  let unsent: Uint8Array[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let syncTimer: ReturnType<typeof setTimeout> | undefined;
  const ownCids = new Set<string>();
  const openRequests = new Set<string>();
  let wasSubscribed = false;

  // ---- local edits → the log ------------------------------------------------------------------------------
  const onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE_ORIGIN || destroyed) return;
    unsent.push(update);
    set({ unsent: true });
    scheduleFlush();
  };
  doc.on('update', onDocUpdate);

  function scheduleFlush() {
    if (flushTimer !== undefined) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      flush();
    }, flushMs);
  }

  function flush() {
    // Offline, edits stay here merged (one message on reconnect, not one per keystroke in the outbox).
    if (destroyed || unsent.length === 0 || !channel.getSnapshot().subscribed) return;
    const update = unsent.length === 1 ? unsent[0]! : Y.mergeUpdates(unsent);
    unsent = [];
    set({ unsent: false });
    publishUpdate(update);
  }

  function publishUpdate(update: Uint8Array) {
    const cid = randomId();
    ownCids.add(cid);
    channel.publish(YJS_EVENTS.update, toBase64(update), { cid }).then(
      () => ownCids.delete(cid),
      (error: unknown) => {
        ownCids.delete(cid);
        if (destroyed) return;
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'string' && RETRYABLE.has(code)) {
          unsent.unshift(update);
          set({ unsent: true });
          scheduleFlush();
        } else {
          onError(error);
        }
      },
    );
  }

  // ---- the log → the doc --------------------------------------------------------------------------------
  const offUpdate = channel.subscribe(YJS_EVENTS.update, (message: ChannelMessage<unknown>) => {
    if (message.cid !== undefined && ownCids.has(message.cid)) return;
    applyRemote(message.data);
  });

  function applyRemote(data: unknown) {
    const update = typeof data === 'string' ? fromBase64(data) : null;
    if (!update) return;
    try {
      Y.applyUpdate(doc, update, REMOTE_ORIGIN);
    } catch (error) {
      onError(error);
    }
  }

  // ---- sync with the peers ------------------------------------------------------------------------------
  function requestSync() {
    if (destroyed) return;
    const rid = randomId();
    openRequests.add(rid);
    const sent = channel.signal(YJS_EVENTS.syncRequest, { rid, sv: toBase64(Y.encodeStateVector(doc)) } satisfies SyncRequest);
    if (!sent) {
      openRequests.delete(rid);
      return;
    }
    clearTimeout(syncTimer);
    if (aloneHere()) {
      set({ synced: true });
      return;
    }
    syncTimer = setTimeout(() => set({ synced: true }), syncTimeoutMs);
  }

  /** Presence lists this client and nobody else (an empty list means presence has not arrived yet: unknown). */
  function aloneHere() {
    const members = channel.presence.members();
    return members.length > 0 && members.every((member) => isSelf(member));
  }

  // Presence often lands just after the subscription: a lone client need not wait out the timeout.
  const offPresence = channel.presence.subscribe(() => {
    if (!state.synced && openRequests.size > 0 && aloneHere()) {
      clearTimeout(syncTimer);
      set({ synced: true });
    }
  });

  const offRequest = channel.onSignal<unknown>(YJS_EVENTS.syncRequest, (signal: ChannelSignal<unknown>) => {
    const request = signal.data as Partial<SyncRequest> | null;
    if (typeof request?.rid !== 'string' || typeof request.sv !== 'string') return;
    const sv = fromBase64(request.sv);
    if (!sv) return;
    let update: Uint8Array;
    try {
      update = Y.encodeStateAsUpdate(doc, sv);
    } catch {
      return;
    }
    channel.signal(YJS_EVENTS.sync, { rid: request.rid, update: toBase64(update), sv: toBase64(Y.encodeStateVector(doc)) } satisfies SyncAnswer);
  });

  const offAnswer = channel.onSignal<unknown>(YJS_EVENTS.sync, (signal: ChannelSignal<unknown>) => {
    const answer = signal.data as Partial<SyncAnswer> | null;
    // Answers to someone else's request carry what *they* lacked: nothing for us.
    if (typeof answer?.rid !== 'string' || !openRequests.has(answer.rid)) return;
    applyRemote(answer.update);
    clearTimeout(syncTimer);
    set({ synced: true });
    // Others' edits the peer lacks (they fell out of a trimmed log): put them in the log for everyone. Our own
    // edits are left out: our publishes carry them, and the peer may simply not have received them yet.
    const theirs = typeof answer.sv === 'string' ? fromBase64(answer.sv) : null;
    if (!theirs) return;
    let missing: Uint8Array;
    try {
      const known = Y.decodeStateVector(theirs);
      known.set(doc.clientID, Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0);
      missing = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(known));
    } catch {
      return;
    }
    if (!isEmptyUpdate(missing)) publishUpdate(missing);
  });

  // ---- (re)subscriptions --------------------------------------------------------------------------------
  const onChannelState = () => {
    const subscribed = channel.getSnapshot().subscribed;
    if (subscribed === wasSubscribed) return;
    wasSubscribed = subscribed;
    if (subscribed) {
      openRequests.clear();
      set({ synced: false });
      requestSync();
      flush();
    }
  };
  const offState = channel.subscribe(onChannelState);
  onChannelState();
  // The log lost messages we missed: the peers still have them.
  const offGap = channel.onGap(() => requestSync());

  return {
    doc,
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    requestSync,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      clearTimeout(flushTimer);
      clearTimeout(syncTimer);
      doc.off('update', onDocUpdate);
      offUpdate();
      offRequest();
      offAnswer();
      offState();
      offGap();
      offPresence();
      listeners.clear();
    },
  };
}

/**
 * Puts `text` into `doc`'s `Y.Text` named `field` as if one fixed, shared client had typed it, so every client
 * that seeds the same text creates the same Yjs items: seeding twice (two tabs opening an empty document at
 * once, or a newcomer seeding before the peers' state arrives) merges into one copy instead of two.
 * All clients must seed the same `text` (e.g. the document as your database stored it).
 */
export function seedText(doc: Y.Doc, field: string, text: string): void {
  if (text === '') return;
  const seed = new Y.Doc({ gc: false });
  seed.clientID = SEED_CLIENT_ID;
  seed.getText(field).insert(0, text);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed), REMOTE_ORIGIN);
  seed.destroy();
}

/** The client id seeds are written as (never a real client's: Yjs picks random 32-bit ids for those). */
const SEED_CLIENT_ID = 0;

// ---- text editing helpers ------------------------------------------------------------------------------

/** One contiguous edit: remove `remove` characters at `index`, then insert `insert` there. */
export interface TextEdit {
  readonly index: number;
  readonly remove: number;
  readonly insert: string;
}

/**
 * The smallest single edit that turns `before` into `after`, placed where the caret says the user typed:
 * typing "a" after the first "a" of "aa" is an insert at 1, not at 2. `caret` is the caret in `after` (the
 * textarea's `selectionEnd` after the input); without it the edit is placed as late as possible.
 */
export function diffText(before: string, after: string, caret: number = after.length): TextEdit {
  const caretInAfter = Math.min(Math.max(caret, 0), after.length);
  // The unchanged tail cannot reach before the caret (the edit ends at it), and the head cannot overlap the tail.
  const maxSuffix = Math.min(before.length, after.length - caretInAfter);
  let suffix = 0;
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  let prefix = 0;
  while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++;
  // Never split a surrogate pair: an emoji is inserted or removed whole.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/** A Y.Text change in Quill delta form (what `YTextEvent.delta` gives). */
export type TextDelta = ReadonlyArray<{ readonly insert?: unknown; readonly retain?: number; readonly delete?: number }>;

/**
 * Where `index` is after `delta` was applied to the text: moved right by text inserted before it, left by text
 * deleted before it. Text inserted exactly at `index` goes after it, so your caret does not jump over what
 * someone else types right where you are.
 */
export function transformIndex(index: number, delta: TextDelta): number {
  let position = 0;
  let shift = 0;
  for (const op of delta) {
    if (position >= index) break;
    if (op.retain !== undefined) {
      position += op.retain;
    } else if (op.insert !== undefined) {
      shift += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      shift -= Math.min(op.delete, index - position);
      position += op.delete;
    }
  }
  return index + shift;
}

/** Applies an edit to a Y.Text as one transaction with {@link LOCAL_ORIGIN}. */
export function applyTextEdit(text: Y.Text, edit: TextEdit): void {
  if (edit.remove === 0 && edit.insert === '') return;
  text.doc!.transact(() => {
    if (edit.remove > 0) text.delete(edit.index, edit.remove);
    if (edit.insert !== '') text.insert(edit.index, edit.insert);
  }, LOCAL_ORIGIN);
}

// ---- carets ---------------------------------------------------------------------------------------------

/** A selection as others see it: Yjs relative positions (they follow the text as it is edited), base64-encoded. */
export interface CaretSignal {
  readonly anchor: string;
  readonly head: string;
}

/** Encodes a selection of `text` (anchor = where it started, head = where the caret is). */
export function encodeCaret(text: Y.Text, anchor: number, head: number): CaretSignal {
  return {
    anchor: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, anchor))),
    head: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, head))),
  };
}

/** Decoded relative positions of a caret signal, or null when it is malformed. */
export function decodeCaret(data: unknown): { anchor: Y.RelativePosition; head: Y.RelativePosition } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { anchor, head } = data as Partial<CaretSignal>;
  if (typeof anchor !== 'string' || typeof head !== 'string') return null;
  const anchorBytes = fromBase64(anchor);
  const headBytes = fromBase64(head);
  if (!anchorBytes || !headBytes) return null;
  try {
    return { anchor: Y.decodeRelativePosition(anchorBytes), head: Y.decodeRelativePosition(headBytes) };
  } catch {
    return null;
  }
}

/** A relative position's index in `text` now, or null when it points into a document this client does not have yet. */
export function resolvePosition(doc: Y.Doc, text: Y.Text, position: Y.RelativePosition): number | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
  if (!absolute || absolute.type !== text) return null;
  return Math.min(absolute.index, text.length);
}

// ---- encoding -------------------------------------------------------------------------------------------

/** Base64 of bytes, for JSON transports. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of a base64 string, or null when it is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** An update that carries nothing: no structs, an empty delete set. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
