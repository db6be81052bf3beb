import {
  chatChannelName,
  chatControlChannelName,
  chatStreamChannelName,
  checkChatStreamId,
  type ChatStreamEnd,
  type ChatStreamHandle,
  type CompactedChatMessage,
} from '@realtime-kit/core/ai';
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import type { Realtime } from '../realtime.js';
import { createChunkPublisher, type ChunkPublisher } from './chunk-publisher.js';

/** While the model is silent, a heartbeat this often tells followers (and the watchdog) the generation lives. */
export const DEFAULT_STREAM_HEARTBEAT_MS = 5_000;
/** After a stop, how long a model that ignores its abort signal may go on before its stream is cancelled. */
const STOP_GRACE_MS = 1_000;

/** Options of {@link streamToChannel}. */
export interface StreamToChannelOptions {
  /** The chat (`useChat`'s `id`, the POST body's `id`): 1–128 characters without `:`. */
  readonly chatId: string;
  /** The response: `toUIMessageStream({ stream: result.stream })`, `createUIMessageStream(...)`, or any UI message chunk stream. */
  readonly stream: ReadableStream<UIMessageChunk>;
  /** The controller whose signal the model call got (`streamText({ abortSignal })`): a stop aborts it. */
  readonly abortController?: AbortController;
  /** Default a random UUID. */
  readonly streamId?: string;
  /** Default {@link DEFAULT_STREAM_HEARTBEAT_MS}. */
  readonly heartbeatMs?: number;
  /** A failure of the model stream or of storage (the response then ends with an error for its readers). */
  readonly onError?: (error: unknown) => void;
}

/** A response being written to its channel (see {@link streamToChannel}). */
export interface ChannelStream extends ChatStreamHandle {
  readonly chatId: string;
  /** Settles once the response ended and its compacted message was published. Never rejects. */
  readonly done: Promise<CompactedChatMessage>;
}

/**
 * Writes an AI SDK UI message stream into a realtime channel of its own (`ai-stream:<chatId>:<streamId>`), so any
 * client on any instance reads it, resumes it, and a second tab follows it live; see `realtimeChatTransport` in
 * `@realtime-kit/core/ai`. Resolves once the response is announced on the chat's channel (event `stream`) and a stop
 * can be heard; the generation then goes on without any HTTP client (in a serverless function, keep it alive with
 * `after(done)` or `waitUntil(done)`).
 *
 * Chunks are batched (one publish in flight; what arrives meanwhile goes together), a `heartbeat` goes out while the
 * model is silent, and every response ends with one `end` event (`done`, `stopped` or `error`, never a silent cut).
 * Then the whole assistant message is published once on the chat's channel (event `message`): history and late
 * joiners read one message, not its chunks. The stream channel's log is left to the broker's retention (`logSize`
 * messages per channel in memory, the Redis log's trim and expiry).
 *
 * A `stopStream` from any instance reaches this one through the broker and aborts `abortController`.
 */
export async function streamToChannel(realtime: Realtime, options: StreamToChannelOptions): Promise<ChannelStream> {
  const { chatId, abortController } = options;
  const streamId = checkChatStreamId('streamId', options.streamId ?? crypto.randomUUID());
  const channel = chatStreamChannelName(chatId, streamId);
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] AI stream:', error));
  const reader = options.stream.getReader();

  let stopped = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    abortController?.abort(new DOMException('The response was stopped.', 'AbortError'));
    // A model that honours its signal ends its stream itself (with its last chunks); one that does not is cut.
    graceTimer = setTimeout(() => void reader.cancel().catch(onError), abortController ? STOP_GRACE_MS : 0);
  };
  const control = realtime.broker.subscribe(chatControlChannelName(chatId), (message) => {
    const target = (message.data as { streamId?: unknown } | null)?.streamId;
    if (message.event === 'stop' && (target === undefined || target === streamId)) stop();
  });
  try {
    await control.ready;
    await realtime.publish(chatChannelName(chatId), 'stream', { streamId, channel } satisfies ChatStreamHandle);
  } catch (error) {
    control.close();
    void reader.cancel().catch(() => {});
    throw error;
  }

  const publisher = createChunkPublisher(realtime, channel, streamId);
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_STREAM_HEARTBEAT_MS;
  const heartbeat = setInterval(() => publisher.heartbeat(heartbeatMs), heartbeatMs);
  const done = pump(realtime, { chatId, streamId, reader, publisher, onError, stopped: () => stopped }).finally(() => {
    clearInterval(heartbeat);
    clearTimeout(graceTimer);
    control.close();
  });
  return { chatId, streamId, channel, done };
}

interface PumpContext {
  readonly chatId: string;
  readonly streamId: string;
  readonly reader: ReadableStreamDefaultReader<UIMessageChunk>;
  readonly publisher: ChunkPublisher;
  readonly onError: (error: unknown) => void;
  readonly stopped: () => boolean;
}

/** Reads the model's chunks into the publisher (and the compaction), then ends and compacts the response. */
async function pump(realtime: Realtime, context: PumpContext): Promise<CompactedChatMessage> {
  const { chatId, streamId, reader, publisher, onError } = context;
  const kept = createChunkMerger();
  let end: ChatStreamEnd = { status: 'done' };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      publisher.push(value);
      kept.push(value);
      if (value.type === 'error') end = { status: 'error', error: value.errorText };
    }
  } catch (error) {
    // A stopped model may end its stream with its abort error: that is the stop, not a failure (nothing to report).
    if (!context.stopped()) {
      onError(error);
      end = { status: 'error', error: 'The response failed on the server.' };
    }
  }
  if (context.stopped() && end.status === 'done') end = { status: 'stopped' };
  try {
    end = await publisher.finish(end);
  } catch (error) {
    onError(error);
    end = { status: 'error', error: 'The end of the response could not be stored.' };
  }
  if (publisher.failure) onError(publisher.failure.error);
  const message = await lastMessage(kept.chunks);
  const compacted: CompactedChatMessage = { streamId, status: end.status, message, ...errorOf(end) };
  try {
    await realtime.publish(chatChannelName(chatId), 'message', compacted, { cid: `${streamId}:message` });
  } catch (error) {
    onError(error);
  }
  return compacted;
}

/** The deltas that merge: text, reasoning (by `id`) and tool input (by `toolCallId`). */
type MergeableChunk = Extract<UIMessageChunk, { type: 'text-delta' | 'reasoning-delta' | 'tool-input-delta' }>;

/**
 * The response's chunks as the compaction needs them: consecutive deltas of one part merged into one. The message
 * they build is the same; building it costs one step per part instead of one per token (the AI SDK's builder
 * copies the message at every chunk, which made a long answer cost more per token the longer it got).
 */
function createChunkMerger() {
  const chunks: UIMessageChunk[] = [];
  return {
    chunks,
    push(chunk: UIMessageChunk) {
      const last = chunks.at(-1);
      const merged = last && mergeDeltas(last, chunk);
      if (merged) chunks[chunks.length - 1] = merged;
      else chunks.push(chunk);
    },
  };
}

function mergeDeltas(last: UIMessageChunk, next: UIMessageChunk): MergeableChunk | undefined {
  if (last.type !== next.type || 'providerMetadata' in last || 'providerMetadata' in next) return undefined;
  if (last.type === 'text-delta' && next.type === 'text-delta' && last.id === next.id)
    return { ...last, delta: last.delta + next.delta };
  if (last.type === 'reasoning-delta' && next.type === 'reasoning-delta' && last.id === next.id)
    return { ...last, delta: last.delta + next.delta };
  if (last.type === 'tool-input-delta' && next.type === 'tool-input-delta' && last.toolCallId === next.toolCallId)
    return { ...last, inputTextDelta: last.inputTextDelta + next.inputTextDelta };
  return undefined;
}

/** The message the chunks build, as the AI SDK's client builds it; null when none started. */
async function lastMessage(chunks: readonly UIMessageChunk[]): Promise<UIMessage | null> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let message: UIMessage | null = null;
  // Errors are the response's (its `error` chunk, reported through the end); the builder only keeps what arrived.
  for await (const snapshot of readUIMessageStream({ stream, onError: () => {} })) message = snapshot;
  return message;
}

function errorOf(end: ChatStreamEnd): { error?: string } {
  return end.error === undefined ? {} : { error: end.error };
}
