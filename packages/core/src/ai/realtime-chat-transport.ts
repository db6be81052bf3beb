import type { ChatTransport, UIMessage, UIMessageChunk } from 'ai';
import type { RealtimeClient } from '../channel/types.js';
import { RealtimeError } from '../errors.js';
import type { ChatStreamEnd, ChatStreamHandle } from './chat-stream-protocol.js';
import { followStream, type HeardOnStream } from './stream-followers.js';

/** How long a followed response may stay silent (no chunk, no heartbeat) before the client asks the server about it. */
export const DEFAULT_STALE_AFTER_MS = 15_000;

/** More messages than any stream log keeps: a subscription with this rewind replays the response from its start. */
const REPLAY_WHOLE_STREAM = 1_000_000;

/** Options of {@link realtimeChatTransport}. */
export interface RealtimeChatTransportOptions {
  /** The realtime client the responses are read through (its connection, resume and reconnects). */
  readonly client: RealtimeClient;
  /**
   * The chat route: `POST` starts a response (answers `{ streamId, channel }`), `GET ?chatId=` names the chat's active
   * response (204 when there is none), `DELETE ?chatId=&streamId=` stops it. Default `/api/chat`.
   */
  readonly api?: string;
  /** Where `DELETE` stop requests go, when not to `api`. */
  readonly stopApi?: string;
  /** Headers sent with every request (a function is called per request). */
  readonly headers?: Record<string, string> | (() => Record<string, string>);
  readonly credentials?: RequestCredentials;
  /** Default `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * A followed response silent this long (its generating server sends a heartbeat while the model is quiet) makes
   * the client ask the server (`GET`), which ends a response whose instance died with an error. Default 15 000 ms.
   */
  readonly staleAfterMs?: number;
  /**
   * Whether an abort of the request (`useChat`'s `stop()`) stops the generation on the server. Default true. Note that
   * `useChat` also aborts when its component unmounts: with `false`, leaving a page (or an in-app navigation) lets the
   * response finish on the server, to be resumed on return; stop it then with a `DELETE` of your own.
   */
  readonly stopOnAbort?: boolean;
  /** A stop request that failed. Default `reportError` (the response itself already ended for this client). */
  readonly onError?: (error: unknown) => void;
}

/**
 * A `ChatTransport` for the AI SDK's `useChat` that reads responses through realtime channels, so they survive a
 * page refresh, a network drop or a server function's timeout, a second tab can follow them live, and `stop()`
 * stops the model on whichever server instance runs it. The server side is `@realtime-kit/server/ai`.
 *
 * `sendMessages` POSTs the messages (the body `DefaultChatTransport` sends) and follows the response's channel;
 * `reconnectToStream` (`useChat({ resume: true })`) asks `GET api?chatId=` for the chat's active response and replays
 * it from its first chunk, as the AI SDK expects of a resume (`resumeStreamIsReplay`): the rebuilt message equals the
 * one generated, chunk for chunk. Within one page, reconnects resume at the next chunk (the channel's `seq`).
 *
 * ```ts
 * const transport = useMemo(() => realtimeChatTransport({ client }), [client])
 * const { messages, sendMessage, stop } = useChat({ id: chatId, transport, resume: true })
 * ```
 */
export function realtimeChatTransport<M extends UIMessage = UIMessage>(
  options: RealtimeChatTransportOptions,
): ChatTransport<M> {
  const { client } = options;
  const api = options.api ?? '/api/chat';
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const onError = options.onError ?? report;

  function request(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    const headers = typeof options.headers === 'function' ? options.headers() : options.headers;
    const doFetch = options.fetch ?? globalThis.fetch;
    return doFetch(url, { ...init, credentials: options.credentials, headers: { ...headers, ...init.headers } });
  }

  async function lookup(chatId: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
    const response = await request(withQuery(api, { chatId }), { ...init, method: 'GET' });
    if (response.status === 204) return null;
    return readHandle(response);
  }

  function requestStop(chatId: string, streamId: string) {
    request(withQuery(options.stopApi ?? api, { chatId, streamId }), { method: 'DELETE' }).then(
      (response) => {
        if (!response.ok) onError(httpError(response, 'stop the response'));
      },
      (error: unknown) => onError(error),
    );
  }

  function follow(chatId: string, handle: ChatStreamHandle, abortSignal: AbortSignal | undefined) {
    let stopFollowing = () => {};
    return new ReadableStream<UIMessageChunk>({
      start(controller) {
        let settled = false;
        let watchdog: ReturnType<typeof setTimeout> | undefined;
        const settle = (outcome?: Error) => {
          if (settled) return;
          settled = true;
          stopFollowing();
          if (outcome) controller.error(outcome);
          else controller.close();
        };
        // Silence past staleAfterMs: the server decides (and ends a response whose instance died), we keep listening.
        const arm = () => {
          clearTimeout(watchdog);
          watchdog = setTimeout(() => {
            lookup(chatId).then(
              () => !settled && arm(),
              () => !settled && arm(),
            );
          }, staleAfterMs);
        };
        const onHeard = (heard: HeardOnStream) => {
          if (settled) return;
          // A hole in a response would be a silently wrong text: fail instead.
          if ('gap' in heard) {
            return settle(
              new RealtimeError(
                'unavailable',
                `Chunks ${heard.gap.from}–${heard.gap.to} of this response are no longer kept on the server (raise its logSize): it cannot be shown whole.`,
              ),
            );
          }
          const { message } = heard;
          arm();
          if (message.event === 'chunks') {
            for (const chunk of message.data as UIMessageChunk[]) controller.enqueue(chunk);
          } else if (message.event === 'end') {
            const end = message.data as ChatStreamEnd;
            settle(
              end.status === 'error'
                ? new RealtimeError('server_error', end.error ?? 'The response failed.')
                : undefined,
            );
          }
        };
        const onAbort = () => {
          if (settled) return;
          if (options.stopOnAbort ?? true) requestStop(chatId, handle.streamId);
          settle(abortSignal?.reason instanceof Error ? abortSignal.reason : undefined);
        };
        // A closed client delivers nothing more: the reader learns it rather than waiting forever.
        const offClient = client.subscribe(() => {
          if (client.closed)
            settle(new RealtimeError('closed', 'The realtime client was closed while following a response.'));
        });
        // What this client already heard of the response comes at once, and may end it (settle then found nothing
        // to stop: stop here).
        const release = followStream(client, handle.channel, REPLAY_WHOLE_STREAM, onHeard);
        stopFollowing = () => {
          settled = true;
          clearTimeout(watchdog);
          release();
          offClient();
          abortSignal?.removeEventListener('abort', onAbort);
        };
        if (settled) return stopFollowing();
        abortSignal?.addEventListener('abort', onAbort, { once: true });
        arm();
        if (abortSignal?.aborted) onAbort();
        if (client.closed) settle(new RealtimeError('closed', 'The realtime client is closed.'));
      },
      cancel() {
        stopFollowing();
      },
    });
  }

  return {
    resumeStreamIsReplay: true,
    async sendMessages({ chatId, messages, trigger, messageId, abortSignal, headers, body, metadata }) {
      const response = await request(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...toRecord(headers) },
        body: JSON.stringify({ ...body, id: chatId, messages, trigger, messageId, metadata }),
        signal: abortSignal,
      });
      return follow(chatId, await readHandle(response), abortSignal);
    },
    async reconnectToStream({ chatId, abortSignal, headers }) {
      const handle = await lookup(chatId, { headers: toRecord(headers), signal: abortSignal });
      return handle ? follow(chatId, handle, abortSignal) : null;
    },
  };
}

async function readHandle(response: Response): Promise<ChatStreamHandle> {
  if (!response.ok) throw httpError(response, 'start or find the response');
  const handle = (await response.json()) as Partial<ChatStreamHandle>;
  if (typeof handle.streamId !== 'string' || typeof handle.channel !== 'string') {
    throw new RealtimeError(
      'bad_data',
      'The chat route answered without { streamId, channel }: use respondWithChannelStream.',
    );
  }
  return { streamId: handle.streamId, channel: handle.channel };
}

function httpError(response: Response, what: string): RealtimeError {
  const code = response.status >= 500 ? 'server_error' : 'http_error';
  return new RealtimeError(code, `The chat route could not ${what}: HTTP ${response.status}.`, {
    status: response.status,
  });
}

function withQuery(url: string, query: Record<string, string>): string {
  const params = new URLSearchParams(query).toString();
  return `${url}${url.includes('?') ? '&' : '?'}${params}`;
}

function toRecord(headers: Record<string, string> | Headers | undefined): Record<string, string> {
  if (headers === undefined) return {};
  return headers instanceof Headers ? Object.fromEntries(headers.entries()) : headers;
}

function report(error: unknown) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}
