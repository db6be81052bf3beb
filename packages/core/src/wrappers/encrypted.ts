import type { Transport } from '../channel/transport.js';
import {
  PRESENCE_EVENT,
  importChannelKey,
  isEncryptedChannel,
  isEncryptedEnvelope,
  notSealedError,
  openEnvelope,
  parseData,
  sealEnvelope,
  serializeData,
  type ChannelKeyInput,
  type EncryptedEnvelope,
} from '../crypto/envelope.js';
import { RealtimeError, isRealtimeError, type RealtimeErrorCode } from '../errors.js';
import { isRealtimeErrorCode } from '../protocol/frame-error.js';
import type { ClientFrame, FrameError, PresenceMember, ServerFrame } from '../protocol/frames.js';
import type { HeadersInput } from '../sse/types.js';
import { createTransportListeners } from '../transports/transport-events.js';

export {
  CHANNEL_KEY_BYTES,
  ENCRYPTED_CHANNEL_PREFIX,
  IV_BYTES,
  PRESENCE_EVENT,
  envelopeAad,
  importChannelKey,
  isEncryptedChannel,
  isEncryptedEnvelope,
  openData,
  sealData,
} from '../crypto/envelope.js';
export type { ChannelKeyInput, EncryptedEnvelope } from '../crypto/envelope.js';

/** How long a failed key fetch is remembered before the next use of the channel asks again (a reconnect asks at once). */
export const KEY_RETRY_MS = 5_000;

/** Default of {@link EncryptedTransportOptions.keyTimeoutMs}. */
export const DEFAULT_KEY_TIMEOUT_MS = 10_000;

/** Options for {@link encryptedTransport}: give `key` or `authEndpoint`. */
export interface EncryptedTransportOptions {
  /** The channel's key: a `CryptoKey` (AES-GCM) or the base64 text of 32 bytes. Throw a `RealtimeError` to refuse. */
  key?: (channel: string) => ChannelKeyInput | Promise<ChannelKeyInput>;
  /**
   * The key endpoint (see `createChannelKeyHandler` in `@realtime-kit/server`): POSTed JSON `{ channel }` with
   * same-origin credentials, it answers `{ key }` (base64 of 32 bytes), or 401/403 to refuse.
   */
  authEndpoint?: string;
  /** Headers for the key requests, or a function called before each one (e.g. for a fresh token). */
  headers?: HeadersInput;
  /** The fetch implementation for `authEndpoint`. Default the global `fetch`, resolved per request. */
  fetch?: typeof fetch;
  /** Which channels are sealed. Default: names starting with `private-encrypted-`. */
  isEncrypted?: (channel: string) => boolean;
  /** WebCrypto. Default `globalThis.crypto` (browsers, workers, Node ≥ 20). */
  crypto?: Crypto;
  /**
   * How long a key may take to come before its channel's waiting frames fail with `timeout` (frames leave in order,
   * so a key that never comes would otherwise hold back every later frame). Default {@link DEFAULT_KEY_TIMEOUT_MS}.
   */
  keyTimeoutMs?: number;
}

/** A {@link Transport} that seals and opens the payloads of encrypted channels. See {@link encryptedTransport}. */
export interface EncryptedTransport extends Transport {
  /** Forgets cached keys (of one channel, or all): the next use fetches again. E.g. on sign-out. */
  forgetKeys(channel?: string): void;
}

interface KeyEntry {
  readonly promise: Promise<CryptoKey>;
  /** The arrival counter when it was requested: a key requested after a frame arrived is no older than that frame. */
  readonly requestedAt: number;
  failedAt?: number;
}

/** A client frame ready to go, or the frame telling the client it could not be sealed. */
type Prepared = { readonly frame: ClientFrame } | { readonly refused: ServerFrame };

type Opened = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly error: RealtimeError };

/**
 * End-to-end encrypted channels over any transport. On channels named `private-encrypted-…`, the data of every
 * publish, signal and presence enter/update is sealed in the client with AES-256-GCM (a fresh random 96-bit IV
 * per payload; `channel + '\n' + event` as additional authenticated data, presence under `$presence`) and opened
 * in the receiving clients: the server stores and relays ciphertext only (`{ e2e: 1, iv, ct }` in place of `data`).
 * Keys come per channel from `key` or `authEndpoint`, fetched on first use and cached.
 *
 * A message that cannot be opened (tampered, wrong key, plaintext) is never delivered: the channel's `onError`
 * gets `decryption_failed` and the channel moves past it. An unreadable signal is dropped with the same error; a
 * presence member whose data cannot be opened is left out. Before giving up, the key is fetched again once (it
 * may have been rotated). A refused key rejects the publish (`unauthorized`/`forbidden`), and one that does not come
 * within `keyTimeoutMs` rejects it with `timeout`. Keep the underlying transport to listen to its own `onError`.
 *
 * Sealing is asynchronous, yet every frame leaves in the order it was sent and every server frame arrives in the
 * order it came; frames of a session that ended before they could go are dropped (the client re-subscribes and
 * re-sends un-acknowledged publishes on the next session).
 *
 * ```ts
 * import { websocketTransport } from '@realtime-kit/core/websocket'
 * import { encryptedTransport } from '@realtime-kit/core/encryption'
 * const transport = encryptedTransport(websocketTransport({ url: '/realtime' }), { authEndpoint: '/api/realtime/keys' })
 * const team = createRealtimeClient({ transport }).channel('private-encrypted-team')
 * team.subscribe('message', (m) => show(m.data))           // plaintext here, ciphertext on the server
 * await team.publish('message', { text: 'only we can read this' })
 * ```
 */
export function encryptedTransport(inner: Transport, options: EncryptedTransportOptions): EncryptedTransport {
  if ((options.key === undefined) === (options.authEndpoint === undefined)) {
    throw new TypeError('encryptedTransport: give exactly one of `key` (a function of the channel) or `authEndpoint` (a URL).');
  }
  const isEncrypted = options.isEncrypted ?? isEncryptedChannel;
  const cryptoApi = options.crypto ?? globalThis.crypto;
  if (typeof cryptoApi?.subtle?.encrypt !== 'function') {
    throw new TypeError('encryptedTransport: WebCrypto (crypto.subtle) is not available here: pages must be served over https (or localhost).');
  }
  const keyTimeoutMs = options.keyTimeoutMs ?? DEFAULT_KEY_TIMEOUT_MS;
  if (!(keyTimeoutMs > 0)) throw new RangeError(`encryptedTransport: keyTimeoutMs must be > 0 (got ${String(keyTimeoutMs)}).`);
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  const keys = new Map<string, KeyEntry>();

  let wasOpen = false;
  /** Server frames received so far: orders key requests against frames (see `rotatedKey`). */
  let arrivals = 0;
  let outgoing: Promise<Prepared>[] = [];
  let incoming: Promise<readonly ServerFrame[]>[] = [];
  /** Bumped when the session ends: a pump of the old session stops, its queued frames are dropped. */
  let session = 0;
  let pumpingOut = false;
  let pumpingIn = false;
  let listeners = 0;
  let detachInner: (() => void) | undefined;

  /** Notices the session ending (queued frames are dropped) and starting (failed key fetches are retried). */
  function observe() {
    const isOpen = inner.getSnapshot().status === 'open';
    if (isOpen === wasOpen) return;
    wasOpen = isOpen;
    if (isOpen) {
      for (const [channel, entry] of keys) if (entry.failedAt !== undefined) keys.delete(channel);
      return;
    }
    session += 1;
    outgoing = [];
    incoming = [];
    pumpingOut = false;
    pumpingIn = false;
  }

  // ---- keys -----------------------------------------------------------------------------------------------

  function keyFor(channel: string): KeyEntry {
    const entry = keys.get(channel);
    if (entry && (entry.failedAt === undefined || Date.now() - entry.failedAt < KEY_RETRY_MS)) return entry;
    return requestKey(channel);
  }

  function requestKey(channel: string): KeyEntry {
    const aborter = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new RealtimeError('timeout', `encryptedTransport: the key of "${channel}" did not come within ${keyTimeoutMs} ms.`, { retryable: true });
        aborter.abort(error);
        reject(error);
      }, keyTimeoutMs);
    });
    const promise = Promise.race([obtainKey(channel, aborter.signal), timedOut])
      .then((key) => importChannelKey(key, cryptoApi))
      .finally(() => clearTimeout(timer));
    const entry: KeyEntry = { promise, requestedAt: arrivals };
    keys.set(channel, entry);
    // Remembered (not thrown) here: every user of the entry awaits it and handles the failure.
    promise.catch(() => {
      entry.failedAt = Date.now();
    });
    return entry;
  }

  /**
   * The key to retry a payload with after `used` failed to open it, or undefined when retrying cannot help: the key
   * in hand was requested after the frame arrived, so it is already the newest.
   */
  function rotatedKey(channel: string, used: KeyEntry, arrival: number): KeyEntry | undefined {
    const current = keys.get(channel);
    if (current && current !== used) return keyFor(channel);
    return used.requestedAt < arrival ? requestKey(channel) : undefined;
  }

  async function obtainKey(channel: string, signal: AbortSignal): Promise<ChannelKeyInput> {
    if (options.key) {
      try {
        return await options.key(channel);
      } catch (cause) {
        if (isRealtimeError(cause)) throw cause;
        throw new RealtimeError('unavailable', `encryptedTransport: the key of "${channel}" could not be obtained: ${String(cause)}`, { cause, retryable: true });
      }
    }
    return fetchKey(channel, options.authEndpoint!, signal);
  }

  async function fetchKey(channel: string, url: string, signal: AbortSignal): Promise<ChannelKeyInput> {
    const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    let response: Response;
    try {
      const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
      headers.set('Content-Type', 'application/json');
      response = await fetchImpl(url, { method: 'POST', headers, body: JSON.stringify({ channel }), credentials: 'same-origin', signal });
    } catch (cause) {
      throw new RealtimeError('network', `encryptedTransport could not reach the key endpoint ${url} for "${channel}".`, { cause, retryable: true });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const refusal = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const detail = typeof refusal?.message === 'string' ? `: ${refusal.message}` : '';
      throw new RealtimeError(
        keyRefusalCode(response.status, refusal?.code),
        `The key endpoint ${url} refused the key of "${channel}" (${response.status})${detail}`,
        { status: response.status, retryable: response.status === 429 || response.status >= 500 },
      );
    }
    const key = (body as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string') {
      throw new RealtimeError('bad_data', `The key endpoint ${url} answered without a "key" string for "${channel}": expected JSON { key: <base64 of 32 bytes> }.`);
    }
    return key;
  }

  function asRealtimeError(error: unknown, channel: string): RealtimeError {
    return isRealtimeError(error)
      ? error
      : new RealtimeError('decryption_failed', `encryptedTransport: a payload on "${channel}" could not be sealed or opened: ${String(error)}`, { cause: error });
  }

  // ---- outgoing -------------------------------------------------------------------------------------------

  /** The plaintext and event a frame is sealed under, or undefined when it goes as it is. Throws for non-JSON data. */
  function planSeal(frame: ClientFrame): { channel: string; event: string; plaintext: string } | undefined {
    switch (frame.type) {
      case 'publish':
      case 'signal':
        if (!isEncrypted(frame.channel)) return undefined;
        return { channel: frame.channel, event: frame.event, plaintext: serializeData(frame.data) };
      case 'presence':
        if (frame.action === 'leave' || frame.data === undefined || !isEncrypted(frame.channel)) return undefined;
        return { channel: frame.channel, event: PRESENCE_EVENT, plaintext: serializeData(frame.data) };
      default:
        return undefined;
    }
  }

  async function prepare(frame: ClientFrame, plan: { channel: string; event: string; plaintext: string }): Promise<Prepared> {
    let envelope: EncryptedEnvelope;
    try {
      const key = await keyFor(plan.channel).promise;
      envelope = await sealEnvelope(key, plan.channel, plan.event, plan.plaintext, cryptoApi);
    } catch (cause) {
      const error = toFrameError(asRealtimeError(cause, plan.channel));
      return frame.type === 'publish'
        ? { refused: { type: 'nack', cid: frame.cid, channel: frame.channel, error } }
        : { refused: { type: 'error', channel: plan.channel, error } };
    }
    return { frame: { ...frame, data: envelope } as ClientFrame };
  }

  function send(frame: ClientFrame): boolean {
    observe();
    if (!wasOpen) return false;
    const plan = planSeal(frame);
    if (plan === undefined && outgoing.length === 0) return inner.send(frame);
    // A frame waiting behind a seal must fail now if it cannot be encoded, not later where nobody hears it.
    if (plan === undefined) JSON.stringify(frame);
    outgoing.push(plan === undefined ? Promise.resolve({ frame }) : prepare(frame, plan));
    void pumpOut();
    return true;
  }

  async function pumpOut() {
    if (pumpingOut) return;
    pumpingOut = true;
    const mine = session;
    // `mine !== session`: the session ended (here or in a listener); its queue is gone and a new pump owns the next.
    while (mine === session && outgoing.length > 0) {
      const prepared = await outgoing[0]!;
      if (mine !== session) return;
      outgoing.shift();
      if ('refused' in prepared) {
        receive(prepared.refused);
        continue;
      }
      try {
        // A false send means the socket is going away: the client re-sends on the next session.
        inner.send(prepared.frame);
      } catch (cause) {
        // Checked in `send` already, so only a transport's own refusal lands here: told, never lost in the queue.
        const error: FrameError = { code: 'invalid_payload', message: `encryptedTransport: the ${prepared.frame.type} frame could not be sent: ${String(cause)}` };
        const { frame } = prepared;
        if (frame.type === 'publish') receive({ type: 'nack', cid: frame.cid, channel: frame.channel, error });
        else if ('channel' in frame) receive({ type: 'error', channel: frame.channel, error });
      }
    }
    if (mine === session) pumpingOut = false;
  }

  // ---- incoming -------------------------------------------------------------------------------------------

  function needsOpening(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'message':
      case 'signal':
        return isEncrypted(frame.channel);
      case 'presence':
        if (!isEncrypted(frame.channel)) return false;
        return frame.action === 'sync' ? frame.members.some((member) => member.data !== undefined) : frame.member.data !== undefined;
      default:
        return false;
    }
  }

  async function openPayload(channel: string, event: string, value: unknown, arrival: number): Promise<Opened> {
    // Plaintext needs no key to be refused.
    if (!isEncryptedEnvelope(value)) return { ok: false, error: notSealedError(channel, event) };
    let entry = keyFor(channel);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const plaintext = await openEnvelope(await entry.promise, channel, event, value, cryptoApi);
        return { ok: true, data: parseData(plaintext, channel, event) };
      } catch (cause) {
        const error = asRealtimeError(cause, channel);
        // Only a seal that would not open may need a newer key; a refused key or non-JSON plaintext is final.
        const retry = attempt === 0 && error.code === 'decryption_failed' ? rotatedKey(channel, entry, arrival) : undefined;
        if (retry === undefined) return { ok: false, error };
        entry = retry;
      }
    }
  }

  async function openFrame(frame: ServerFrame, arrival: number): Promise<readonly ServerFrame[]> {
    switch (frame.type) {
      case 'message': {
        const opened = await openPayload(frame.channel, frame.event, frame.data, arrival);
        return [opened.ok ? { ...frame, data: opened.data } : { ...frame, data: undefined, error: toFrameError(opened.error) }];
      }
      case 'signal': {
        const opened = await openPayload(frame.channel, frame.event, frame.data, arrival);
        return [opened.ok ? { ...frame, data: opened.data } : { type: 'error', channel: frame.channel, error: toFrameError(opened.error) }];
      }
      case 'presence': {
        const open = async (member: PresenceMember): Promise<PresenceMember | RealtimeError> => {
          if (member.data === undefined) return member;
          const opened = await openPayload(frame.channel, PRESENCE_EVENT, member.data, arrival);
          return opened.ok ? { ...member, data: opened.data } : opened.error;
        };
        const unreadable = (error: RealtimeError, count: number): ServerFrame => ({
          type: 'error',
          channel: frame.channel,
          error: {
            code: error.code,
            message: `${count === 1 ? 'A presence member is' : `${count} presence members are`} left out of "${frame.channel}": ${error.message}`,
          },
        });
        if (frame.action === 'sync') {
          const results = await Promise.all(frame.members.map(open));
          const members = results.filter((result): result is PresenceMember => !(result instanceof RealtimeError));
          const failures = results.filter((result): result is RealtimeError => result instanceof RealtimeError);
          const sync: ServerFrame = { ...frame, members };
          return failures.length === 0 ? [sync] : [sync, unreadable(failures[0]!, failures.length)];
        }
        const member = await open(frame.member);
        return member instanceof RealtimeError ? [unreadable(member, 1)] : [{ ...frame, member }];
      }
      default:
        return [frame];
    }
  }

  function receive(frame: ServerFrame) {
    observe();
    arrivals += 1;
    const opening = needsOpening(frame);
    if (!opening && incoming.length === 0) {
      emitFrame(frame);
      return;
    }
    incoming.push(opening ? openFrame(frame, arrivals) : Promise.resolve([frame]));
    void pumpIn();
  }

  async function pumpIn() {
    if (pumpingIn) return;
    pumpingIn = true;
    const mine = session;
    while (mine === session && incoming.length > 0) {
      const frames = await incoming[0]!;
      if (mine !== session) return;
      // Emitted before the shift: a frame arriving during a listener queues behind, never overtakes.
      for (const frame of frames) if (mine === session) emitFrame(frame);
      if (mine === session) incoming.shift();
    }
    if (mine === session) pumpingIn = false;
  }

  return {
    kind: inner.kind,
    getSnapshot: inner.getSnapshot,
    subscribe(listener) {
      return inner.subscribe(() => {
        observe();
        listener();
      });
    },
    connect: () => inner.connect(),
    reconnect: () => inner.reconnect(),
    close() {
      inner.close();
      observe();
      keys.clear();
    },
    send,
    onFrame(listener) {
      const remove = addFrameListener(listener);
      listeners += 1;
      if (listeners === 1) detachInner = inner.onFrame(receive);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        remove();
        listeners -= 1;
        if (listeners === 0) {
          detachInner?.();
          detachInner = undefined;
        }
      };
    },
    forgetKeys(channel) {
      if (channel === undefined) keys.clear();
      else keys.delete(channel);
    },
  };
}

function toFrameError(error: RealtimeError): FrameError {
  return { code: error.code, message: error.message };
}

/** A refused key request's code: the endpoint's own (`token_expired`, …) when it is one we know, else by status. */
function keyRefusalCode(status: number, code: unknown): RealtimeErrorCode {
  if (status >= 400 && status < 500 && isRealtimeErrorCode(code)) return code;
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}
