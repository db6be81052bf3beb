import type { Transport } from '../../channel/transport.js';
import { isEncryptedChannel, type ChannelKeyInput } from '../../crypto/envelope.js';
import type { ServerFrame } from '../../protocol/frames.js';
import type { HeadersInput } from '../../sse/types.js';
import { createTransportListeners } from '../../transports/transport-events.js';
import { channelKeySource } from './channel-key-source.js';
import { createChannelKeys } from './channel-keys.js';
import { DEFAULT_KEY_TIMEOUT_MS } from './encrypted-constants.js';
import type { EncryptedContext } from './encrypted-context.js';
import { createIncomingOpener } from './incoming-opener.js';
import { createOutgoingSealer } from './outgoing-sealer.js';

/** Options for {@link encryptedTransport}: give `key` or `authEndpoint`. */
export interface EncryptedTransportOptions {
  /** The channel's key: a `CryptoKey` (AES-GCM) or the base64 text of 32 bytes. Throw a `RealtimeError` to refuse. */
  key?: (channel: string) => ChannelKeyInput | Promise<ChannelKeyInput>;
  /**
   * The key endpoint (see `createChannelKeyHandler` in `@realtime-kit/server`): POSTed JSON `{ channel }` with
   * same-origin credentials, it answers `{ key }` (base64 of 32 bytes), or 401/403 to refuse. A refusal is read as
   * every HTTP path of the kit reads one: its status, and the typed code of its `{ error: { code, message } }` body.
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
    throw new TypeError(
      'encryptedTransport: give exactly one of `key` (a function of the channel) or `authEndpoint` (a URL).',
    );
  }
  const cryptoApi = options.crypto ?? globalThis.crypto;
  if (typeof cryptoApi?.subtle?.encrypt !== 'function') {
    throw new TypeError(
      'encryptedTransport: WebCrypto (crypto.subtle) is not available here: pages must be served over https (or localhost).',
    );
  }
  const keyTimeoutMs = options.keyTimeoutMs ?? DEFAULT_KEY_TIMEOUT_MS;
  if (!(keyTimeoutMs > 0))
    throw new RangeError(`encryptedTransport: keyTimeoutMs must be > 0 (got ${String(keyTimeoutMs)}).`);
  const [addFrameListener, emitFrame] = createTransportListeners<ServerFrame>();
  let wasOpen = false;
  const context: EncryptedContext = {
    inner,
    cryptoApi,
    isEncrypted: options.isEncrypted ?? isEncryptedChannel,
    session: 0,
    arrivals: 0,
    observe() {
      const isOpen = inner.getSnapshot().status === 'open';
      if (isOpen === wasOpen) return wasOpen;
      wasOpen = isOpen;
      if (isOpen) {
        keys.forgetFailed();
        return true;
      }
      context.session += 1;
      outgoing.reset();
      incoming.reset();
      return false;
    },
  };
  const keys = createChannelKeys(context, channelKeySource(options), keyTimeoutMs);
  const incoming = createIncomingOpener(context, keys, emitFrame);
  const outgoing = createOutgoingSealer(context, keys, incoming.receive);
  let listeners = 0;
  let detachInner: (() => void) | undefined;

  return {
    kind: inner.kind,
    getSnapshot: inner.getSnapshot,
    subscribe(listener) {
      return inner.subscribe(() => {
        context.observe();
        listener();
      });
    },
    connect: () => inner.connect(),
    reconnect: () => inner.reconnect(),
    close() {
      inner.close();
      context.observe();
      keys.forget();
    },
    send: outgoing.send,
    onFrame(listener) {
      const remove = addFrameListener(listener);
      listeners += 1;
      if (listeners === 1) detachInner = inner.onFrame(incoming.receive);
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
    forgetKeys: keys.forget,
  };
}
