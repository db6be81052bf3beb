import {
  chatChannelName,
  chatControlChannelName,
  chatStreamChannelName,
  type ChatStreamEnd,
  type ChatStreamHandle,
  type CompactedChatMessage,
} from '@realtime-kit/core/ai';
import type { Realtime } from '../realtime.js';

/**
 * A running response silent this long (no chunk, no heartbeat) has lost its generating instance: it is ended with an
 * error when someone asks for it. Three of the default heartbeats.
 */
export const DEFAULT_STALE_STREAM_MS = 15_000;

/** Options of {@link activeChatStream}. */
export interface ActiveChatStreamOptions {
  /** Default {@link DEFAULT_STALE_STREAM_MS}; keep it above the generating side's `heartbeatMs`. */
  readonly staleAfterMs?: number;
}

/**
 * The chat's response still being generated, or null. Read from the chat channel's log (its newest `stream` not yet
 * followed by its `message`), so any instance answers alike. A response whose generating instance died (killed, a
 * function cut off at its max duration) stops sending heartbeats: once silent for `staleAfterMs` it is ended here with
 * an `end` of status `error` and an empty compacted message, which every follower receives; never a silent cut.
 */
export async function activeChatStream(
  realtime: Realtime,
  chatId: string,
  options: ActiveChatStreamOptions = {},
): Promise<ChatStreamHandle | null> {
  const chatChannel = chatChannelName(chatId);
  const [started, finished] = await Promise.all([
    realtime.broker.latest(chatChannel, 'stream'),
    realtime.broker.latest(chatChannel, 'message'),
  ]);
  if (!started || (finished && finished.seq > started.seq)) return null;
  const { streamId } = started.data as ChatStreamHandle;
  const channel = chatStreamChannelName(chatId, streamId);
  const { messages } = await realtime.history(channel, { limit: 1 });
  const newest = messages.at(-1);
  if (newest?.event === 'end') return null;
  const lastSignOfLife = newest?.at ?? started.at;
  if (Date.now() - lastSignOfLife <= (options.staleAfterMs ?? DEFAULT_STALE_STREAM_MS)) return { streamId, channel };
  await endLostStream(realtime, chatId, streamId);
  return null;
}

/** Ends a response whose generator went away. The `cid`s are the generator's own: of the two ends, one is stored. */
async function endLostStream(realtime: Realtime, chatId: string, streamId: string) {
  const error = 'The response was cut off: the server generating it went away. Ask again.';
  const end: ChatStreamEnd = { status: 'error', error };
  await realtime.publish(chatStreamChannelName(chatId, streamId), 'end', end, { cid: `${streamId}:end` });
  const compacted: CompactedChatMessage = { streamId, status: 'error', message: null, error };
  await realtime.publish(chatChannelName(chatId), 'message', compacted, { cid: `${streamId}:message` });
}

/**
 * Stops the chat's response (or only `streamId`), from any instance: the instance generating it hears the request
 * through the broker (Redis pub/sub across instances) and aborts the model's signal; the response ends `stopped`.
 */
export async function stopStream(realtime: Realtime, options: { chatId: string; streamId?: string }): Promise<void> {
  const data = options.streamId === undefined ? {} : { streamId: options.streamId };
  await realtime.publish(chatControlChannelName(options.chatId), 'stop', data);
}
