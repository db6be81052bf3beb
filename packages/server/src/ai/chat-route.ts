import { checkChatStreamId } from '@realtime-kit/core/ai';
import type { Realtime } from '../realtime.js';
import { activeChatStream, stopStream, type ActiveChatStreamOptions } from './chat-streams.js';
import { streamToChannel, type StreamToChannelOptions } from './stream-to-channel.js';

/** Options of {@link respondWithChannelStream}. */
export interface RespondWithChannelStreamOptions extends StreamToChannelOptions {
  /**
   * Keeps the generation alive after the response is sent: Next.js `after`, Vercel's `waitUntil`, Cloudflare's
   * `ctx.waitUntil`. Not needed on a long-lived Node server.
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * The `POST` of a chat route: starts writing the response to its channel ({@link streamToChannel}) and answers at once
 * with JSON `{ streamId, channel }`, which `realtimeChatTransport` follows. JSON rather than an SSE body: the chunks
 * reach the browser over its realtime connection (resumable, shared by tabs), so this request holds nothing open
 * and a function's max duration cuts nothing the reader needs.
 *
 * ```ts
 * export async function POST(request: Request) {
 *   const { id, messages } = await request.json()
 *   const abortController = new AbortController()
 *   const result = streamText({ model, messages: await convertToModelMessages(messages), abortSignal: abortController.signal })
 *   const stream = toUIMessageStream({ stream: result.stream, originalMessages: messages })
 *   return respondWithChannelStream(await getRealtime(), { chatId: id, stream, abortController, waitUntil: after })
 * }
 * ```
 */
export async function respondWithChannelStream(
  realtime: Realtime,
  options: RespondWithChannelStreamOptions,
): Promise<Response> {
  const { waitUntil, ...streamOptions } = options;
  const started = await streamToChannel(realtime, streamOptions);
  waitUntil?.(started.done);
  return json(200, { streamId: started.streamId, channel: started.channel });
}

/**
 * The `GET ?chatId=` of a chat route (`useChat({ resume: true })`): 200 with `{ streamId, channel }` of the active
 * response, 204 when there is none, 400 without a valid `chatId`. Check that the user may read the chat first.
 */
export async function respondWithActiveStream(
  realtime: Realtime,
  request: Request,
  options: ActiveChatStreamOptions = {},
): Promise<Response> {
  const chatId = chatIdOf(request);
  if (chatId === null) return json(400, { error: 'Pass a valid ?chatId=.' });
  const active = await activeChatStream(realtime, chatId, options);
  return active ? json(200, active) : new Response(null, { status: 204 });
}

/** The `DELETE ?chatId=&streamId=` of a chat route (`useChat`'s `stop()`): 202 once the stop is sent. */
export async function respondToStop(realtime: Realtime, request: Request): Promise<Response> {
  const chatId = chatIdOf(request);
  const streamId = new URL(request.url).searchParams.get('streamId') ?? undefined;
  if (chatId === null || (streamId !== undefined && !isValidId('streamId', streamId))) {
    return json(400, { error: 'Pass a valid ?chatId= (and ?streamId=).' });
  }
  await stopStream(realtime, { chatId, ...(streamId === undefined ? {} : { streamId }) });
  return new Response(null, { status: 202 });
}

function chatIdOf(request: Request): string | null {
  const chatId = new URL(request.url).searchParams.get('chatId');
  return chatId !== null && isValidId('chatId', chatId) ? chatId : null;
}

function isValidId(kind: 'chatId' | 'streamId', id: string): boolean {
  try {
    checkChatStreamId(kind, id);
    return true;
  } catch {
    return false;
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
