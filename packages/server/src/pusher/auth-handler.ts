import type Pusher from 'pusher';
import type { AuthRefusalCode } from '../auth/result.js';
import { checkCredentials } from '../endpoint/admission.js';
import { readBody, refuseUnread } from '../http/read-body.js';
import { refusalResponse } from '../http/refusal-response.js';

/** Who is asking, as your `authenticate` says. `userInfo` becomes the presence member's `user_info`. */
export interface PusherUser {
  readonly userId: string;
  /** Public data about the user, seen by every member of the presence channels they join (Pusher fixes it here). */
  readonly userInfo?: Record<string, unknown>;
  /** When the credentials stop being valid (ms since epoch): past it, the request is refused with `token_expired`. */
  readonly expiresAt?: number;
}

/**
 * What `authenticate` may answer: the user; null (or undefined) to refuse with 401; a typed refusal such as a JWT
 * verifier's `{ ok: false, error: { code: 'token_expired', message } }`; or `{ ok: true, user }`.
 */
export type PusherAuthenticationResult =
  | PusherUser
  | null
  | undefined
  | { readonly ok: false; readonly error: { readonly code: AuthRefusalCode; readonly message: string } }
  | { readonly ok: true; readonly user: PusherUser };

/** Options for {@link createPusherAuthHandler}. */
export interface PusherAuthHandlerOptions {
  /**
   * Identifies the user from the request's headers (a session cookie, a bearer token). Return null to refuse (401).
   * Called before the body is read (so a stranger cannot make the server read an upload): do not read the body here.
   */
  authenticate(request: Request): PusherAuthenticationResult | Promise<PusherAuthenticationResult>;
  /**
   * May `user` subscribe to `channel` (a `private-` or `presence-` channel)? False refuses with 403. Default: every
   * authenticated user may subscribe to every channel — decide per channel in any real app.
   */
  authorizeChannel?(user: PusherUser, channel: string, request: Request): boolean | Promise<boolean>;
  /** Called with what `authenticate`, `authorizeChannel` or the signing threw (the answer is then 500). Default `console.error`. */
  onError?(error: unknown): void;
  /**
   * The largest request body read, in bytes (pusher-js posts two short form fields): past it (declared or counted,
   * chunked or not) the upload is cancelled and the answer is 413 `message_too_large`. The body is read only after
   * `authenticate` accepted the request. Default 8 KiB.
   */
  maxBodyBytes?: number;
}

/** Default of {@link PusherAuthHandlerOptions.maxBodyBytes}. */
export const DEFAULT_PUSHER_AUTH_MAX_BODY_BYTES = 8 * 1024;

/** Pusher socket ids are two integers joined by a dot. */
const SOCKET_ID = /^\d+\.\d+$/;

/**
 * The channel authorization endpoint pusher-js calls before it subscribes to a `private-` or `presence-` channel,
 * as a Fetch-API route handler (a Next.js route's `POST`). It reads `socket_id` and `channel_name` from the form
 * body pusher-js posts (JSON works too), authenticates the request, asks `authorizeChannel`, and answers with the
 * signature Pusher checks — for presence channels with `channel_data` carrying `user_id` and `user_info`.
 * Refusals are JSON `{ error: { code, message } }`: 401 `unauthorized` (or `token_expired`), decided from the
 * headers before the body is read; then 413 `message_too_large` past `maxBodyBytes`, 400 for a malformed request,
 * 403 `forbidden`; the client's channel `onError` then gets `unauthorized` or `forbidden`.
 *
 * @throws {RangeError} when `maxBodyBytes` is not a positive, finite number.
 *
 * @example
 * // app/api/pusher/auth/route.ts
 * import Pusher from 'pusher'
 * import { createPusherAuthHandler } from '@realtime-kit/server/pusher'
 * const pusher = new Pusher({ appId, key, secret, cluster: 'eu', useTLS: true })
 * export const POST = createPusherAuthHandler(pusher, {
 *   authenticate: async (request) => {
 *     const session = await getSession(request)
 *     return session ? { userId: session.user.id, userInfo: { name: session.user.name } } : null
 *   },
 *   authorizeChannel: (user, channel) => channel !== 'private-admin' || isAdmin(user.userId),
 * })
 * // client: new Pusher(key, { cluster: 'eu', channelAuthorization: { endpoint: '/api/pusher/auth', transport: 'ajax' } })
 */
export function createPusherAuthHandler(
  pusher: Pusher,
  options: PusherAuthHandlerOptions,
): (request: Request) => Promise<Response> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_PUSHER_AUTH_MAX_BODY_BYTES;
  if (!Number.isFinite(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(
      `createPusherAuthHandler: maxBodyBytes must be a positive, finite number; got ${String(options.maxBodyBytes)}.`,
    );
  }
  const onError =
    options.onError ??
    ((error: unknown) => console.error('[realtime-kit] Pusher channel authorization failed:', error));

  return async function handlePusherAuth(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      return refuseUnread(
        request,
        {
          code: 'bad_frame',
          precise: 'method_not_allowed',
          named: 'http_error',
          message: 'Channel authorization takes a POST (as pusher-js sends it).',
        },
        { allow: 'POST' },
      );
    }
    // The credentials are in the headers (a session cookie, a bearer token): a stranger is refused before a byte of
    // the body is read.
    const verdict = await checkCredentials(
      {
        transport: 'http',
        authenticate: () => options.authenticate(request),
        refusal: 'Not signed in: the request carried no valid credentials.',
      },
      { onError },
    );
    if (!verdict.ok) return refuseUnread(request, verdict);
    const user = verdict.user as PusherUser;
    if (typeof user.userId !== 'string' || user.userId === '') {
      onError(new TypeError('authenticate() returned a user without a userId string.'));
      return refuseUnread(request, {
        code: 'server_error',
        message: 'The channel could not be authorized (the server failed; see its logs).',
      });
    }
    const body = await readBody(request, maxBodyBytes);
    if (!body.ok) return refusalResponse(body);
    const fields = readFields(body.text, request.headers.get('content-type'));
    const socketId = fields.get('socket_id');
    const channel = fields.get('channel_name');
    if (socketId === undefined || !SOCKET_ID.test(socketId)) {
      return refusalResponse({
        code: 'bad_frame',
        message:
          'socket_id is missing or is not a Pusher socket id ("123.456"): post socket_id and channel_name as pusher-js does.',
      });
    }
    if (channel === undefined || channel === '')
      return refusalResponse({ code: 'bad_frame', message: 'channel_name is missing.' });
    const presence = channel.startsWith('presence-');
    if (!presence && !channel.startsWith('private-')) {
      return refusalResponse({
        code: 'bad_frame',
        message: `"${channel}" is a public channel: it needs no authorization (only private- and presence- channels do).`,
      });
    }

    try {
      if (options.authorizeChannel && !(await options.authorizeChannel(user, channel, request))) {
        return refusalResponse({
          code: 'forbidden',
          message: `User "${user.userId}" may not subscribe to "${channel}".`,
        });
      }
      const signed = presence
        ? pusher.authorizeChannel(socketId, channel, {
            user_id: user.userId,
            ...(user.userInfo === undefined ? {} : { user_info: user.userInfo }),
          })
        : pusher.authorizeChannel(socketId, channel);
      return Response.json(signed, { status: 200, headers: { 'cache-control': 'no-store' } });
    } catch (error) {
      onError(error);
      return refusalResponse({
        code: 'server_error',
        message: 'The channel could not be authorized (the server failed; see its logs).',
      });
    }
  };
}

/** The fields of a form-encoded body (what pusher-js posts) or of a JSON object. */
function readFields(text: string, contentType: string | null): Map<string, string> {
  const fields = new Map<string, string>();
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') fields.set(name, value);
      }
    } catch {
      // An unreadable body has no fields: the caller answers 400.
    }
    return fields;
  }
  for (const [name, value] of new URLSearchParams(text)) if (!fields.has(name)) fields.set(name, value);
  return fields;
}
