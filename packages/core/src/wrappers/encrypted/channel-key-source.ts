import { classifyHttpRefusal, readRefusalBody } from '../../connection/http-refusal.js';
import type { ChannelKeyInput } from '../../crypto/envelope.js';
import { RealtimeError, isRealtimeError } from '../../errors.js';
import type { HeadersInput } from '../../sse/types.js';

/** Where a channel's key comes from: the app's `key` function, or its key endpoint. */
export type ChannelKeySource = (channel: string, signal: AbortSignal) => Promise<ChannelKeyInput>;

/** The options of `encryptedTransport` that say where keys come from. */
export interface ChannelKeySourceOptions {
  key?: (channel: string) => ChannelKeyInput | Promise<ChannelKeyInput>;
  authEndpoint?: string;
  headers?: HeadersInput;
  fetch?: typeof fetch;
}

/** The key source the options name: `key` when given, else a POST to `authEndpoint`. */
export function channelKeySource(options: ChannelKeySourceOptions): ChannelKeySource {
  const { key, authEndpoint } = options;
  if (key === undefined) return (channel, signal) => fetchChannelKey(channel, authEndpoint!, options, signal);
  return async (channel) => {
    try {
      return await key(channel);
    } catch (cause) {
      if (isRealtimeError(cause)) throw cause;
      throw new RealtimeError(
        'unavailable',
        `encryptedTransport: the key of "${channel}" could not be obtained: ${String(cause)}`,
        { cause, retryable: true },
      );
    }
  };
}

/**
 * POSTs `{ channel }` to the key endpoint and reads `{ key }`. A refusal is classified by the status table every
 * HTTP path shares (`classifyHttpRefusal`): the endpoint's typed code when it names one (`unauthorized`,
 * `forbidden`, `token_expired`, …), else the status's. The message names the key request rather than a
 * connection: nothing reconnects here, a refused key is asked for again on a later use of its channel.
 */
async function fetchChannelKey(
  channel: string,
  url: string,
  options: ChannelKeySourceOptions,
  signal: AbortSignal,
): Promise<ChannelKeyInput> {
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let response: Response;
  try {
    const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
    headers.set('Content-Type', 'application/json');
    response = await fetchImpl(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ channel }),
      credentials: 'same-origin',
      signal,
    });
  } catch (cause) {
    throw new RealtimeError('network', `encryptedTransport could not reach the key endpoint ${url} for "${channel}".`, {
      cause,
      retryable: true,
    });
  }
  if (!response.ok) {
    const body = await readRefusalBody(response);
    const { error } = classifyHttpRefusal(response.status, response.headers, body, {
      url,
      method: 'POST',
      now: Date.now,
    });
    const detail = body?.message === undefined ? '' : `: ${body.message}`;
    throw new RealtimeError(
      error.code,
      `The key endpoint ${url} refused the key of "${channel}" (${response.status})${detail}`,
      {
        status: response.status,
        retryable: error.retryable,
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const key = (body as { key?: unknown } | undefined)?.key;
  if (typeof key !== 'string') {
    throw new RealtimeError(
      'bad_data',
      `The key endpoint ${url} answered without a "key" string for "${channel}": expected JSON { key: <base64 of 32 bytes> }.`,
    );
  }
  return key;
}
