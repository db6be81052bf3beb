import { randomUUID } from 'node:crypto';
import type Pusher from 'pusher';
import { RealtimeError, type RealtimeErrorCode } from '@realtime-kit/core';

/** Pusher refuses events whose data is larger than this (10 KB on most plans). */
export const PUSHER_MAX_EVENT_BYTES = 10_240;

/**
 * The payload realtime-kit clients read on Pusher: a stable `id` (so every client sees the same message id),
 * the publish time `at`, and your `data`.
 */
export interface PusherEnvelope<D = unknown> {
  readonly rk: 1;
  readonly id: string;
  /** ms since epoch. */
  readonly at: number;
  readonly data: D;
}

/** Options for one {@link PusherPublisher.publish}. */
export interface PusherPublishOptions {
  /** The message id; default a fresh UUID. Pass your database row's id so clients can match it. */
  id?: string;
  /** Leave out this connection (Pusher's `socket_id`): the client that caused the publish, when it already shows it. */
  socketId?: string;
}

/** Publishes from the server (Server Actions, route handlers, jobs) to Pusher channels. See {@link pusherPublisher}. */
export interface PusherPublisher {
  /**
   * Triggers `event` on `channel` (or up to 100 channels) with `data` in a realtime-kit envelope, and resolves
   * with the message id once Pusher accepted it. Rejects with a `RealtimeError`: `message_too_large` (over 10 KB),
   * `unauthorized` (Pusher refused the app credentials), `rate_limited`, `unavailable` (Pusher or the network
   * failed: retry), `http_error` (another refusal).
   */
  publish(
    channel: string | readonly string[],
    event: string,
    data: unknown,
    options?: PusherPublishOptions,
  ): Promise<string>;
}

/**
 * A publisher over the `pusher` server package. Events reach every subscriber — public channels included, which
 * clients cannot publish on — with a stable id: a realtime-kit client delivers the event under its own name
 * (`event`), with `message.id` the id this returns.
 *
 * @example
 * 'use server'
 * import Pusher from 'pusher'
 * import { pusherPublisher } from '@realtime-kit/server/pusher'
 * const publisher = pusherPublisher(new Pusher({ appId, key, secret, cluster: 'eu', useTLS: true }))
 * export async function sendMessage(roomId: string, text: string) {
 *   const row = await db.messages.insert({ roomId, text })
 *   await publisher.publish(`private-room-${roomId}`, 'message', row, { id: row.id })
 * }
 */
export function pusherPublisher(pusher: Pusher): PusherPublisher {
  return {
    async publish(channel, event, data, options = {}) {
      const channels = typeof channel === 'string' ? [channel] : [...channel];
      if (channels.length === 0 || channels.some((name) => typeof name !== 'string' || name === '')) {
        throw new TypeError(
          'pusherPublisher.publish: channel must be a non-empty string (or a non-empty array of them).',
        );
      }
      if (channels.length > 100)
        throw new TypeError('pusherPublisher.publish: Pusher triggers to at most 100 channels at once.');
      if (typeof event !== 'string' || event === '' || event.startsWith('pusher:') || event.startsWith('client-')) {
        throw new TypeError(
          `pusherPublisher.publish: "${String(event)}" is not a server event name (non-empty, not starting with "pusher:" or "client-").`,
        );
      }
      const id = options.id ?? randomUUID();
      const envelope: PusherEnvelope = { rk: 1, id, at: Date.now(), data };
      const body = JSON.stringify(envelope);
      const size = new TextEncoder().encode(body).length;
      if (size > PUSHER_MAX_EVENT_BYTES) {
        throw new RealtimeError(
          'message_too_large',
          `The event is ${size} bytes; Pusher accepts at most ${PUSHER_MAX_EVENT_BYTES}. Publish a reference (an id) and let clients fetch the rest.`,
        );
      }
      try {
        await pusher.trigger(
          channels,
          event,
          body,
          options.socketId === undefined ? undefined : { socket_id: options.socketId },
        );
      } catch (cause) {
        const status =
          typeof (cause as { status?: unknown }).status === 'number' ? (cause as { status: number }).status : undefined;
        const code: RealtimeErrorCode =
          status === undefined || status >= 500
            ? 'unavailable'
            : status === 401 || status === 403
              ? 'unauthorized'
              : status === 413
                ? 'message_too_large'
                : status === 429
                  ? 'rate_limited'
                  : 'http_error';
        throw new RealtimeError(
          code,
          `Pusher did not accept the event "${event}"${status === undefined ? '' : ` (HTTP ${status})`}: ${errorText(cause)}`,
          {
            cause,
            ...(status === undefined ? {} : { status }),
            retryable: code === 'unavailable' || code === 'rate_limited',
          },
        );
      }
      return id;
    },
  };
}

function errorText(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { message, body } = cause as { message?: unknown; body?: unknown };
  return (
    [typeof message === 'string' ? message : '', typeof body === 'string' ? body.slice(0, 200) : '']
      .filter(Boolean)
      .join(' — ') || String(cause)
  );
}
