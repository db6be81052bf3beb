// Shared by the AI streaming tests: a mock language model that streams text at a pace and records when its abort
// signal fired, and a chat route (POST / GET / DELETE, as a Next.js route handler would be) next to a WebSocket
// endpoint on one real http server on 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UIMessageChunk } from 'ai';
import { convertToModelMessages, streamText, toUIMessageStream, type UIMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { respondToStop, respondWithActiveStream, respondWithChannelStream } from '../src/ai/index.js';
import { createWebSocketEndpoint, type Realtime } from '../src/index.js';
import { serveFetch } from './fetch-bridge.js';

export interface PacedModel {
  readonly model: MockLanguageModelV4;
  /** Everything the model says when it is not stopped. */
  readonly text: string;
  /** When (performance.now()) each call's abort signal fired. */
  readonly abortedAt: number[];
}

/** A model that says `tokens` words, one every `delayMs`, and stops as soon as its abort signal fires. */
export function pacedModel(tokens: number, delayMs: number): PacedModel {
  const words = Array.from({ length: tokens }, (_, index) => `word${index} `);
  const abortedAt: number[] = [];
  const model = new MockLanguageModelV4({
    doStream: async ({ abortSignal }) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 't1' });
          let index = 0;
          const next = () => {
            if (index === words.length) {
              controller.enqueue({ type: 'text-end', id: 't1' });
              controller.enqueue({
                type: 'finish',
                finishReason: { unified: 'stop' },
                usage: {
                  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
                  outputTokens: { total: tokens, text: tokens, reasoning: 0 },
                },
              });
              controller.close();
              return;
            }
            controller.enqueue({ type: 'text-delta', id: 't1', delta: words[index++]! });
            timer = setTimeout(next, delayMs);
          };
          abortSignal?.addEventListener('abort', () => {
            abortedAt.push(performance.now());
            clearTimeout(timer);
            controller.error(abortSignal.reason);
          });
          next();
        },
      });
      return { stream };
    },
  });
  return { model, text: words.join(''), abortedAt };
}

export interface ChatServer {
  /** The WebSocket endpoint. */
  readonly url: string;
  /** The chat route. */
  readonly api: string;
  stop(): Promise<void>;
}

export interface ChatServerOptions {
  readonly staleAfterMs?: number;
  readonly heartbeatMs?: number;
  /** Runs the generation to its end (the test's stand-in for Next's `after`). */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /** What `streamToChannel` reports (default: nothing). */
  readonly onStreamError?: (error: unknown) => void;
  /** The WebSocket endpoint's `maxDurationMs`: a host that cuts connections after a while. */
  readonly maxDurationMs?: number;
}

/** A WebSocket endpoint at /realtime and the chat route at /api/chat, over `realtime`, with `model` behind it. */
export async function startChatServer(
  realtime: Realtime,
  model: MockLanguageModelV4,
  options: ChatServerOptions = {},
): Promise<ChatServer> {
  const route = async (request: Request): Promise<Response> => {
    if (request.method === 'GET') return respondWithActiveStream(realtime, request, options);
    if (request.method === 'DELETE') return respondToStop(realtime, request);
    const { id, messages } = (await request.json()) as { id: string; messages: UIMessage[] };
    const abortController = new AbortController();
    const result = streamText({
      model,
      messages: await convertToModelMessages(messages),
      abortSignal: abortController.signal,
    });
    return respondWithChannelStream(realtime, {
      chatId: id,
      stream: toUIMessageStream({ stream: result.stream, originalMessages: messages }),
      abortController,
      heartbeatMs: options.heartbeatMs,
      waitUntil: options.waitUntil,
      onError: options.onStreamError ?? (() => {}),
    });
  };
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/chat')) void serveFetch(req, res, route);
    else res.writeHead(404).end();
  });
  const endpoint = createWebSocketEndpoint({
    realtime,
    server,
    path: '/realtime',
    maxDurationMs: options.maxDurationMs,
    onError: () => {},
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/realtime`,
    api: `http://127.0.0.1:${port}/api/chat`,
    async stop() {
      await endpoint.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A user message as `useChat` sends it. */
export function userMessage(text: string): UIMessage {
  return { id: `u-${text.length}`, role: 'user', parts: [{ type: 'text', text }] };
}

/** Reads a chunk stream to its end: its chunks, the text of its deltas, and the error it ended with, if any. */
export async function readChunks(stream: ReadableStream<UIMessageChunk>, onChunk?: (count: number) => void) {
  const chunks: UIMessageChunk[] = [];
  let error: unknown;
  try {
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      onChunk?.(chunks.length);
    }
  } catch (caught) {
    error = caught;
  }
  const text = chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.delta : '')).join('');
  return { chunks, text, error };
}
