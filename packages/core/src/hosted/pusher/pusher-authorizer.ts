import type Pusher from 'pusher-js';
import type { ChannelAuthorizationCallback } from 'pusher-js';
import { isRecord } from '../../lib/is-record.js';

interface ChannelAuthorizationOptions {
  customHandler?: unknown;
  endpoint?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  headersProvider?: () => Record<string, string>;
  paramsProvider?: () => Record<string, string>;
}

/**
 * Replaces pusher-js's channel authorizer with one that asks `headers()` before every request (pusher-js's own
 * `headersProvider` cannot wait for a promise, which a token refresh usually needs). It posts what pusher-js would
 * (form-encoded `socket_id` and `channel_name`, plus the configured `headers`/`params` and their providers) to the
 * client's `channelAuthorization.endpoint`, and records a refusal's status in `failures` by channel, which pusher-js
 * would drop.
 */
export function installChannelAuthorizer(
  pusher: Pusher,
  headers: () => Record<string, string> | Promise<Record<string, string>>,
  failures: Map<string, { status: number; message: string }>,
): void {
  const auth = (pusher.options.channelAuthorization ?? {}) as ChannelAuthorizationOptions;
  if (auth.customHandler !== undefined) {
    throw new TypeError(
      'pusherTransport: the headers option posts the authorization itself and cannot be combined with channelAuthorization.customHandler: add the headers in your handler.',
    );
  }
  const endpoint = auth.endpoint ?? pusher.options.authEndpoint ?? '/pusher/auth';
  const fail = (
    channel: string,
    status: number,
    message: string,
    callback: ChannelAuthorizationCallback,
    cause?: Error,
  ) => {
    failures.set(channel, { status, message });
    callback(cause ?? new Error(message), null);
  };
  pusher.config.channelAuthorizer = (
    params: { socketId: string; channelName: string },
    callback: ChannelAuthorizationCallback,
  ) => {
    void (async () => {
      const body = new URLSearchParams({ socket_id: params.socketId, channel_name: params.channelName });
      for (const [name, value] of Object.entries({ ...auth.params, ...auth.paramsProvider?.() }))
        body.append(name, String(value));
      const requestHeaders = {
        ...auth.headers,
        ...auth.headersProvider?.(),
        ...(await headers()),
        'content-type': 'application/x-www-form-urlencoded',
      };
      const response = await fetch(endpoint, { method: 'POST', headers: requestHeaders, body: body.toString() });
      const text = await response.text();
      if (!response.ok) {
        return fail(
          params.channelName,
          response.status,
          `The channel authorization endpoint ${endpoint} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
          callback,
        );
      }
      const data = parseJson(text);
      if (!isRecord(data) || typeof data.auth !== 'string') {
        return fail(
          params.channelName,
          200,
          `The channel authorization endpoint ${endpoint} answered 200 without an "auth" string.`,
          callback,
        );
      }
      callback(null, {
        auth: data.auth,
        ...(typeof data.channel_data === 'string' ? { channel_data: data.channel_data } : {}),
        ...(typeof data.shared_secret === 'string' ? { shared_secret: data.shared_secret } : {}),
      });
    })().catch((cause: unknown) => {
      const message = `The channel authorization request to ${endpoint} failed: ${cause instanceof Error ? cause.message : String(cause)}`;
      fail(params.channelName, 0, message, callback, cause instanceof Error ? cause : undefined);
    });
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
