import type { Realtime } from '@realtime-kit/server';
import { respondToStop, respondWithActiveStream, respondWithChannelStream } from '@realtime-kit/server/ai';
import { convertToModelMessages, streamText, toUIMessageStream, type UIMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

/**
 * The docs demo's AI chat, behind /api/demo/ai-chat: the AI SDK's `streamText` over a mock language model (no network,
 * no key) that reasons for a moment, then answers word by word at a hosted model's pace, and the route's three verbs
 * as `@realtime-kit/server/ai` answers them. The answer goes through a realtime channel, so the page can be reloaded
 * mid-answer and pick it up again, a second tab follows it, and Stop aborts the model's signal.
 */

/** Words per second of the demo model: a fast hosted model's pace (30–60 tokens/s). */
export const DEMO_TOKENS_PER_SECOND = 40;
/** Before the first token, as a hosted model takes. */
const FIRST_TOKEN_MS = 400;
/** Longest conversation and question the demo accepts. */
const MAX_MESSAGES = 40;
const MAX_QUESTION_LENGTH = 2000;

interface DemoReply {
  readonly reasoning: string;
  readonly text: string;
}

const REPLIES: readonly (DemoReply & { readonly topic: RegExp })[] = [
  {
    topic: /reload|refresh|resume|survive/i,
    reasoning:
      'The question is about reloads. Explain where the answer lives while it is written, and how a page finds it again.',
    text:
      'While I write this, every few words go into a realtime channel of their own on the server, not into the HTTP response of your request. ' +
      'When the page reloads, useChat asks the chat route which answer is in progress, and the transport replays that channel from its first chunk, then keeps following it live. ' +
      'The text you end up with is exactly the text the model wrote: nothing is repeated and nothing is missing, however many times you reload. ' +
      'Try it now: reload this page before I finish this sentence, and watch the answer pick up where it was. ' +
      'When I am done, the whole message is stored once on the chat channel, so a late reader gets one message instead of hundreds of small chunks.',
  },
  {
    topic: /stop|cancel|abort/i,
    reasoning: 'The question is about stopping. Cover the browser side and the server side.',
    text:
      'Stop does two things. In the browser it aborts the request, so useChat keeps the words that already arrived and stops waiting for more. ' +
      'It also sends a DELETE to the chat route, which publishes a stop on the chat’s control channel. ' +
      'Whichever server instance runs the model hears it, through Redis when there are several, and aborts the model call with its abort signal, so you stop paying for tokens nobody will read. ' +
      'The answer then ends with a stopped status for every tab that follows it. Press Stop while I am still writing to see it.',
  },
  {
    topic: /tab|window|device|share/i,
    reasoning: 'The question is about several tabs. Channels fan out, so each tab can follow.',
    text:
      'Every tab that opens this chat subscribes to the same channel, so a second tab shows the answer word for word as the first one does, from the same generation on the server. ' +
      'Nothing is generated twice: the model runs once, and the channel fans its words out to every reader. ' +
      'A tab opened late replays what was already written, then follows along live. ' +
      'Stop in any tab stops the answer in all of them.',
  },
];

const DEFAULT_REPLY: DemoReply = {
  reasoning: 'A general question. Describe what this demo shows and suggest something to try.',
  text:
    'This is a demo model: it runs on the server without any network access and answers at about forty words a second, like a fast hosted model. ' +
    'What it shows is the plumbing around a real model. The route hands the answer to a realtime channel and returns at once, the browser reads the channel over its realtime connection, and the AI SDK’s useChat builds the message from the chunks. ' +
    'Because the answer lives on the server rather than in one HTTP response, you can reload the page while I write, open a second tab to watch the same answer, or press Stop to abort the model on the server. ' +
    'Ask me how a reload resumes, how Stop works, or what a second tab sees.',
};

/** What the demo model answers `question` with. */
export function demoReply(question: string): DemoReply {
  return REPLIES.find((reply) => reply.topic.test(question)) ?? DEFAULT_REPLY;
}

/** The words of `text`, each with the spaces after it: the deltas the demo model streams. */
export function demoTokens(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

type StreamPart =
  Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer Part> ? Part : never;
type Prompt = Parameters<MockLanguageModelV4['doStream']>[0]['prompt'];

export interface DemoChatModelOptions {
  /** Between words. Default 1000 / {@link DEMO_TOKENS_PER_SECOND}. */
  readonly tokenMs?: number;
  /** Before the first word. Default 400 ms. */
  readonly firstTokenMs?: number;
  /** Called when a call's abort signal fires (Stop). */
  readonly onAbort?: () => void;
}

/** The mock model: reasoning, then the reply to the last question, one word every `tokenMs`; stops at its abort signal. */
export function demoChatModel(options: DemoChatModelOptions = {}): MockLanguageModelV4 {
  const tokenMs = options.tokenMs ?? 1000 / DEMO_TOKENS_PER_SECOND;
  return new MockLanguageModelV4({
    doStream: async ({ prompt, abortSignal }) => {
      const reply = demoReply(lastQuestion(prompt));
      const parts = replyParts(reply);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stream = new ReadableStream<StreamPart>({
        start(controller) {
          let index = 0;
          const next = () => {
            const part = parts[index++];
            if (part === undefined) return controller.close();
            controller.enqueue(part);
            // Only words take time; the markers around them go out together.
            if (part.type === 'text-delta' || part.type === 'reasoning-delta') timer = setTimeout(next, tokenMs);
            else next();
          };
          abortSignal?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              options.onAbort?.();
              controller.error(abortSignal.reason);
            },
            { once: true },
          );
          timer = setTimeout(next, options.firstTokenMs ?? FIRST_TOKEN_MS);
        },
        cancel() {
          clearTimeout(timer);
        },
      });
      return { stream };
    },
  });
}

function replyParts({ reasoning, text }: DemoReply): StreamPart[] {
  const reasoningTokens = demoTokens(reasoning);
  const textTokens = demoTokens(text);
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'reasoning-start', id: 'r' },
    ...reasoningTokens.map((delta): StreamPart => ({ type: 'reasoning-delta', id: 'r', delta })),
    { type: 'reasoning-end', id: 'r' },
    { type: 'text-start', id: 't' },
    ...textTokens.map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: undefined },
      usage: {
        inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
        outputTokens: {
          total: reasoningTokens.length + textTokens.length,
          text: textTokens.length,
          reasoning: reasoningTokens.length,
        },
      },
    },
  ];
}

function lastQuestion(prompt: Prompt): string {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index]!;
    if (message.role === 'user')
      return message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
  }
  return '';
}

export interface DemoChatOptions {
  /** Default {@link demoChatModel}(). */
  readonly model?: MockLanguageModelV4;
  /** Keeps the generation alive after the POST answered: Next.js `after`. */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * The demo chat route: `POST { id, messages }` starts an answer on its channel and answers `{ streamId, channel }`;
 * `GET ?chatId=` names the answer in progress (204 when none); `DELETE ?chatId=` stops it.
 */
export async function handleDemoChat(
  realtime: Realtime,
  request: Request,
  options: DemoChatOptions = {},
): Promise<Response> {
  if (request.method === 'GET') return respondWithActiveStream(realtime, request);
  if (request.method === 'DELETE') return respondToStop(realtime, request);
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'GET, POST, DELETE' } });

  const body = await readChat(request);
  if (typeof body === 'string') return Response.json({ error: { code: 'bad_frame', message: body } }, { status: 400 });
  let messages: Awaited<ReturnType<typeof convertToModelMessages>>;
  try {
    messages = await convertToModelMessages(body.messages);
  } catch {
    return Response.json({ error: { code: 'bad_frame', message: 'The messages are not valid.' } }, { status: 400 });
  }
  const abortController = new AbortController();
  const result = streamText({
    model: options.model ?? demoChatModel(),
    messages,
    abortSignal: abortController.signal,
  });
  try {
    return await respondWithChannelStream(realtime, {
      chatId: body.id,
      stream: toUIMessageStream({ stream: result.stream, originalMessages: body.messages }),
      abortController,
      waitUntil: options.waitUntil,
      // A stopped model ends its stream with its abort error: that is the stop, not a failure worth a log line.
      onError: (error) => {
        if (!abortController.signal.aborted) console.error('[demo ai-chat]', error);
      },
    });
  } catch (error) {
    abortController.abort();
    if (error instanceof RangeError)
      return Response.json({ error: { code: 'bad_frame', message: error.message } }, { status: 400 });
    throw error;
  }
}

/** The POST body `useChat` sends, checked: the chat id and a short conversation ending with a question. */
async function readChat(request: Request): Promise<{ id: string; messages: UIMessage[] } | string> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return 'Send JSON: { "id": "…", "messages": […] }.';
  }
  const { id, messages } = (body ?? {}) as { id?: unknown; messages?: unknown };
  if (typeof id !== 'string') return '"id" must be the chat id.';
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES)
    return `"messages" must hold 1–${MAX_MESSAGES} messages.`;
  const valid = messages.every(
    (message: unknown) =>
      typeof message === 'object' &&
      message !== null &&
      typeof (message as UIMessage).id === 'string' &&
      ['user', 'assistant'].includes((message as UIMessage).role) &&
      Array.isArray((message as UIMessage).parts),
  );
  if (!valid) return 'Every message needs an id, a role (user or assistant) and parts.';
  const last = messages.at(-1) as UIMessage;
  const question = last.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  if (last.role !== 'user' || question.length > MAX_QUESTION_LENGTH)
    return `The last message must be a question of at most ${MAX_QUESTION_LENGTH} characters.`;
  return { id, messages: messages as UIMessage[] };
}
