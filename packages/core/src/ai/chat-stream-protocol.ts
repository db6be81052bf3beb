// The channels and events an AI response travels on, defined once: `@realtime-kit/server/ai` writes them and
// `realtimeChatTransport` reads them.
import type { UIMessage, UIMessageChunk } from 'ai';

/** Every channel the AI helpers use starts with this: refuse client publishes on them in `beforePublish`. */
export const AI_CHANNEL_PREFIX = 'ai-';

/** Longest chat or stream id (channel names are limited to 256 characters). */
const MAX_ID_LENGTH = 128;

/** How a response ended, as its stream's `end` event and the compacted message say. */
export type ChatStreamStatus = 'done' | 'stopped' | 'error';

/** What the server answers a POST (a new response) and a GET (the chat's active response): where to read it. */
export interface ChatStreamHandle {
  readonly streamId: string;
  /** The response's own channel: its chunks (`chunks`), `heartbeat`s while the model is silent, then one `end`. */
  readonly channel: string;
}

/** The `end` event of a stream channel: the last message of every response, whatever happened. */
export interface ChatStreamEnd {
  readonly status: ChatStreamStatus;
  /** Why it failed (status `error`), fit to show. */
  readonly error?: string;
}

/** The compacted response on the chat channel (event `message`): one message instead of its chunks. */
export interface CompactedChatMessage<M extends UIMessage = UIMessage> {
  readonly streamId: string;
  readonly status: ChatStreamStatus;
  /** The assistant message as the chunks built it (null when the stream failed before its first chunk). */
  readonly message: M | null;
  readonly error?: string;
}

/** Events of a response's stream channel. */
export interface ChatStreamEvents {
  /** Consecutive chunks, in order (batched: one channel message may carry many). */
  chunks: UIMessageChunk[];
  heartbeat: null;
  end: ChatStreamEnd;
  [event: string]: unknown;
}

/** Events of a chat's channel: a response started (`stream`), a response finished (`message`). */
export interface ChatChannelEvents {
  stream: ChatStreamHandle;
  message: CompactedChatMessage;
  [event: string]: unknown;
}

/** Throws a `RangeError` unless `id` fits in a channel name (1–128 characters, no `:`). */
export function checkChatStreamId(kind: 'chatId' | 'streamId', id: unknown): string {
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH || id.includes(':')) {
    throw new RangeError(`${kind} must be 1–${MAX_ID_LENGTH} characters without ":" (got ${JSON.stringify(id)}).`);
  }
  return id;
}

/** The chat's channel: `stream` when a response starts, its compacted `message` when it ends. */
export function chatChannelName(chatId: string): string {
  return `${AI_CHANNEL_PREFIX}chat:${checkChatStreamId('chatId', chatId)}`;
}

/** One response's channel: its chunks, then `end`. */
export function chatStreamChannelName(chatId: string, streamId: string): string {
  return `${AI_CHANNEL_PREFIX}stream:${checkChatStreamId('chatId', chatId)}:${checkChatStreamId('streamId', streamId)}`;
}

/** The chat's control channel: `stop` requests, which the instance generating the response listens to. */
export function chatControlChannelName(chatId: string): string {
  return `${AI_CHANNEL_PREFIX}control:${checkChatStreamId('chatId', chatId)}`;
}
