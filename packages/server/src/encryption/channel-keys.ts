import { isEncryptedChannel, sealData, type EncryptedEnvelope } from '@realtime-kit/core/encryption';
import type { AuthenticationResult } from '../auth/result.js';
import { checkCredentials } from '../endpoint/admission.js';
import { readBody, refuseUnread } from '../http/read-body.js';
import { refusalResponse } from '../http/refusal-response.js';

/** Bytes of a master key (and of every channel key derived from it). */
const KEY_BYTES = 32;

/** Default of {@link ChannelKeyHandlerOptions.maxBodyBytes}: a `{ channel }` body is short. */
export const DEFAULT_CHANNEL_KEY_MAX_BODY_BYTES = 4 * 1024;

/** Options for {@link createChannelKeyHandler}. */
export interface ChannelKeyHandlerOptions {
  /**
   * The one secret every channel key is derived from: the base64 text of 32 random bytes
   * (`openssl rand -base64 32`), kept on the server only (an environment variable). Changing it rotates every key.
   */
  masterKey: string;
  /**
   * Identifies the user from the request (a session cookie, a bearer token), as every endpoint's `authenticate`:
   * null refuses with 401. Without it, requests are anonymous (`userId` undefined) and only `authorizeChannel` decides.
   * Called before the body is read (so a stranger cannot make the server read an upload): do not read the body here.
   */
  authenticate?: (request: Request) => AuthenticationResult | Promise<AuthenticationResult>;
  /**
   * May this user read and write `channel`? False refuses with 403. Without it, every authenticated user gets every
   * channel's key — decide per channel in any real app. (The same rule you give `createRealtime({ authorizeChannel })`
   * works here when it only reads `userId`.)
   */
  authorizeChannel?: (
    user: { readonly userId: string | undefined },
    channel: string,
    request: Request,
  ) => boolean | Promise<boolean>;
  /** Which channels have keys. Default: names starting with `private-encrypted-`. */
  isEncrypted?: (channel: string) => boolean;
  /** Called with what `authenticate` or `authorizeChannel` threw (the answer is then 500). Default `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * The largest request body read, in bytes: past it (declared or counted, chunked or not) the upload is cancelled
   * and the answer is 413 `message_too_large`. The body is read only after `authenticate` accepted the request.
   * Default {@link DEFAULT_CHANNEL_KEY_MAX_BODY_BYTES}.
   */
  maxBodyBytes?: number;
}

/**
 * The channel authorization endpoint of end-to-end encrypted channels, as a Fetch-API route handler (a Next.js
 * route's `POST`): the client's `encryptedTransport({ authEndpoint })` POSTs JSON `{ channel }`, and an allowed user
 * gets `{ channel, key }` — the channel's key, HMAC-SHA256(masterKey, channel) in base64, so one secret yields a key
 * per channel and nothing needs storing (the model of Pusher). The realtime server never sees these keys.
 *
 * Refusals are JSON `{ error: { code, message } }`: 400 `bad_frame` for a malformed request or a channel that is
 * not encrypted, 401 `unauthorized` (or `token_expired`, decided from the headers before the body is read), 403
 * `forbidden`, 405 for a method other than POST, 413 `message_too_large` for a body past `maxBodyBytes`.
 *
 * @throws {TypeError} when `masterKey` is not base64 of 32 bytes, or neither `authenticate` nor `authorizeChannel` is given.
 * @throws {RangeError} when `maxBodyBytes` is not a positive, finite number.
 *
 * @example
 * // app/api/realtime/keys/route.ts
 * import { createChannelKeyHandler } from '@realtime-kit/server'
 * export const POST = createChannelKeyHandler({
 *   masterKey: process.env.REALTIME_MASTER_KEY!,
 *   authenticate: async (request) => (await getSession(request))?.user ?? null,
 *   authorizeChannel: ({ userId }, channel) => channel === `private-encrypted-team-${teamOf(userId)}`,
 * })
 * // client: encryptedTransport(websocketTransport({ url }), { authEndpoint: '/api/realtime/keys' })
 */
export function createChannelKeyHandler(options: ChannelKeyHandlerOptions): (request: Request) => Promise<Response> {
  const master = readMasterKey(options.masterKey, 'createChannelKeyHandler');
  if (!options.authenticate && !options.authorizeChannel) {
    throw new TypeError(
      "createChannelKeyHandler: give `authenticate`, `authorizeChannel` or both: without either, anyone could fetch any encrypted channel's key.",
    );
  }
  const isEncrypted = options.isEncrypted ?? isEncryptedChannel;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_CHANNEL_KEY_MAX_BODY_BYTES;
  if (!Number.isFinite(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(
      `createChannelKeyHandler: maxBodyBytes must be a positive, finite number; got ${String(options.maxBodyBytes)}.`,
    );
  }
  const onError =
    options.onError ?? ((error: unknown) => console.error('[realtime-kit] channel key request failed:', error));
  let hmacKey: Promise<CryptoKey> | undefined;

  return async function handleChannelKey(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      const refusal = {
        code: 'bad_frame',
        precise: 'method_not_allowed',
        named: 'http_error',
        message: 'Channel keys are requested with a POST of JSON { channel }.',
      } as const;
      return refuseUnread(request, refusal, { allow: 'POST' });
    }
    // The credentials are in the headers: a stranger is refused before a byte of the body is read.
    const { authenticate } = options;
    const verdict = await checkCredentials(
      {
        transport: 'http',
        authenticate: authenticate && (() => authenticate(request)),
        refusal: 'Not signed in: the request carried no valid credentials.',
      },
      { onError },
    );
    if (!verdict.ok) return refuseUnread(request, verdict);
    const userId = verdict.user?.userId;
    try {
      const body = await readBody(request, maxBodyBytes);
      if (!body.ok) return refusalResponse(body);
      const channel = readChannel(body.text);
      if (channel === undefined)
        return refusalResponse({ code: 'bad_frame', message: 'Post JSON { "channel": "private-encrypted-…" }.' });
      if (!isEncrypted(channel)) {
        const message = `"${channel}" is not an end-to-end encrypted channel (its name does not start with "private-encrypted-"): it has no key.`;
        return refusalResponse({ code: 'bad_frame', message });
      }
      if (options.authorizeChannel && (await options.authorizeChannel({ userId }, channel, request)) !== true) {
        return refusalResponse({
          code: 'forbidden',
          message: `${userId === undefined ? 'This request' : `User "${userId}"`} may not use "${channel}".`,
        });
      }
      hmacKey ??= importHmacKey(master);
      const key = await deriveWith(await hmacKey, channel);
      return Response.json({ channel, key }, { status: 200, headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      onError(error);
      return refuseUnread(request, {
        code: 'server_error',
        message: 'The channel key could not be issued (the server failed; see its logs).',
      });
    }
  };
}

/**
 * The key of `channel`: HMAC-SHA256(masterKey, channel), as base64 of 32 bytes — what {@link createChannelKeyHandler}
 * hands to allowed clients. For server code that reads an encrypted channel (a job, an export).
 *
 * ```ts
 * import { openData } from '@realtime-kit/core/encryption'
 * const key = await deriveChannelKey(process.env.REALTIME_MASTER_KEY!, 'private-encrypted-team')
 * const data = await openData(key, 'private-encrypted-team', message.event, message.data)
 * ```
 */
export async function deriveChannelKey(masterKey: string, channel: string): Promise<string> {
  return deriveWith(await importHmacKey(readMasterKey(masterKey, 'deriveChannelKey')), channel);
}

/**
 * Seals `data` for `event` on an encrypted channel with the channel's key (derived from `masterKey`), so a Server
 * Action can publish to it: the server holds the master key, like Pusher's server SDK. Publish the envelope as the
 * message's data; subscribers with the key read `data`, the message store holds ciphertext only.
 *
 * ```ts
 * 'use server'
 * import { publish, sealForChannel } from '@realtime-kit/server'
 * const channel = 'private-encrypted-team'
 * await publish(channel, 'message', await sealForChannel(process.env.REALTIME_MASTER_KEY!, channel, 'message', { text }))
 * ```
 */
export async function sealForChannel(
  masterKey: string,
  channel: string,
  event: string,
  data: unknown,
): Promise<EncryptedEnvelope> {
  return sealData(await deriveChannelKey(masterKey, channel), channel, event, data);
}

function readChannel(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    const channel =
      typeof parsed === 'object' && parsed !== null ? (parsed as { channel?: unknown }).channel : undefined;
    return typeof channel === 'string' && channel !== '' ? channel : undefined;
  } catch {
    return undefined;
  }
}

/** The master key's bytes; a clear error for anything but base64 of 32 bytes (a config mistake, caught at startup). */
function readMasterKey(masterKey: string, where: string): Uint8Array<ArrayBuffer> {
  const bytes = typeof masterKey === 'string' ? fromBase64(masterKey.trim()) : undefined;
  if (bytes?.length !== KEY_BYTES) {
    const got =
      typeof masterKey !== 'string'
        ? `a ${typeof masterKey}`
        : bytes === undefined
          ? 'text that is not base64'
          : `${bytes.length} bytes`;
    throw new TypeError(
      `${where}: masterKey must be the base64 text of ${KEY_BYTES} random bytes (got ${got}). Make one with \`openssl rand -base64 32\`.`,
    );
  }
  return bytes;
}

function importHmacKey(bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

async function deriveWith(hmacKey: CryptoKey, channel: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(channel));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
