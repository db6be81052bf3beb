import { classifyHttpRefusal, readRefusalBody, toAttemptVerdict } from '../connection/http-refusal.js';
import type { AttemptVerdict } from '../connection/reconnect-engine.js';
import { RealtimeError } from '../errors.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { HttpTransportOptions } from './frame-poster.js';

/** The response header numbering a poll's answer (`createChannelEndpoint`); the next poll acknowledges it with `ack`. */
const POLL_BATCH_HEADER = 'x-realtime-batch';

/** The frames one poll answered and the batch number the next poll acknowledges. */
export interface PollAnswer {
  readonly frames: ServerFrame[];
  readonly batch: number;
}

interface PollSettings {
  readonly options: HttpTransportOptions;
  readonly fetch: typeof fetch;
  readonly pollTimeoutMs: number;
  readonly now: () => number;
}

/**
 * One long-poll GET: its frames, or the verdict on its failure (a refusal classified by the status table, a
 * timeout, a network error or an answer that was not protocol frames). Aborted when `attemptSignal` aborts.
 */
export async function requestPoll(
  url: string,
  attemptSignal: AbortSignal,
  { options, fetch: fetchImpl, pollTimeoutMs, now }: PollSettings,
): Promise<PollAnswer | AttemptVerdict> {
  // Aborted when the attempt ends or the poll times out (not `AbortSignal.any`: Safari < 17.4 lacks it).
  const request = new AbortController();
  let timedOut = false;
  const stop = () => request.abort();
  attemptSignal.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    request.abort();
  }, pollTimeoutMs);
  const { signal } = request;
  try {
    const headers = new Headers(typeof options.headers === 'function' ? await options.headers() : options.headers);
    headers.set('Accept', 'application/json');
    const response = await fetchImpl(url, { headers, signal, cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) {
      const body = await readRefusalBody(response);
      const refusal = classifyHttpRefusal(response.status, response.headers, body, {
        label: 'pollingTransport: ',
        url: options.url,
        method: 'GET',
        expected: 'a poll',
        now,
      });
      return toAttemptVerdict(refusal);
    }
    const frames: unknown = await response.json();
    if (!Array.isArray(frames) || !frames.every(isFrame)) {
      return retry(
        new RealtimeError(
          'bad_frame',
          `pollingTransport: ${options.url} did not answer a JSON array of protocol frames: is it a realtime-kit endpoint (createChannelEndpoint)?`,
          { retryable: true },
        ),
      );
    }
    const numbered = Number(response.headers.get(POLL_BATCH_HEADER));
    return { frames, batch: Number.isSafeInteger(numbered) ? numbered : 0 };
  } catch (cause) {
    return retry(
      timedOut
        ? new RealtimeError('timeout', `pollingTransport: no answer from ${options.url} within ${pollTimeoutMs} ms.`, {
            retryable: true,
          })
        : new RealtimeError(
            'network',
            `pollingTransport: polling ${options.url} failed; starting a new session to resume.`,
            {
              cause,
              retryable: true,
            },
          ),
    );
  } finally {
    clearTimeout(timer);
    attemptSignal.removeEventListener('abort', stop);
  }
}

/** A failure worth another attempt. */
export function retry(error: RealtimeError): AttemptVerdict {
  return { action: 'retry', error };
}

function isFrame(value: unknown): value is ServerFrame {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
