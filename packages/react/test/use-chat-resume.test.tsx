// `useChat` from @ai-sdk/react over `realtimeChatTransport`: the real `ai` package with a mock model, the server's
// `respondWithChannelStream` on an in-process realtime (memory broker), and a page refresh simulated by unmounting the
// chat mid-response and mounting it again with `resume: true`.
import { useChat } from '@ai-sdk/react';
import { createRealtimeClient } from '@realtime-kit/core';
import { realtimeChatTransport } from '@realtime-kit/core/ai';
import { createMemoryTransport } from '@realtime-kit/core/testing';
import { createRealtime, type Realtime } from '@realtime-kit/server';
import { respondToStop, respondWithActiveStream, respondWithChannelStream } from '@realtime-kit/server/ai';
import { act, render, screen, waitFor } from '@testing-library/react';
import { convertToModelMessages, streamText, toUIMessageStream, type ChatTransport, type UIMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';

const TOKENS = 120;
const WORDS = Array.from({ length: TOKENS }, (_, index) => `w${index} `);
const FULL_TEXT = WORDS.join('');
const USER: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hello' }] };

/** Says WORDS, one every 10 ms. */
function pacedModel() {
  return new MockLanguageModelV4({
    doStream: async ({ abortSignal }) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue({ type: 'text-start', id: 't' });
          let index = 0;
          const next = () => {
            if (index === WORDS.length) {
              controller.enqueue({ type: 'text-end', id: 't' });
              controller.enqueue({
                type: 'finish',
                finishReason: { unified: 'stop' },
                usage: {
                  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
                  outputTokens: { total: TOKENS, text: TOKENS, reasoning: 0 },
                },
              });
              return controller.close();
            }
            controller.enqueue({ type: 'text-delta', id: 't', delta: WORDS[index++]! });
            timer = setTimeout(next, 10);
          };
          abortSignal?.addEventListener('abort', () => {
            clearTimeout(timer);
            controller.error(abortSignal.reason);
          });
          next();
        },
      });
      return { stream };
    },
  });
}

/** The chat route as a Next.js route handler would be, called in-process by the transport's `fetch`. */
function chatRoute(realtime: Realtime) {
  const model = pacedModel();
  return async (request: Request): Promise<Response> => {
    if (request.method === 'GET') return respondWithActiveStream(realtime, request);
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
    });
  };
}

function Chat({ transport, initial }: { transport: ChatTransport<UIMessage>; initial: UIMessage[] }) {
  const { messages, sendMessage, status } = useChat({ id: 'chat-react', transport, messages: initial, resume: true });
  const assistant = messages.filter((message) => message.role === 'assistant');
  const text = assistant.flatMap((message) =>
    message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])),
  );
  return (
    <div>
      <button type="button" onClick={() => void sendMessage({ text: 'hello' })}>
        send
      </button>
      <output data-testid="status">{status}</output>
      <output data-testid="assistants">{assistant.length}</output>
      <pre data-testid="text">{text.join('|')}</pre>
    </div>
  );
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function setup(stopOnAbort?: boolean) {
  const realtime = await createRealtime({ redis: false, rateLimit: false, subscribeLimit: false, onError: () => {} });
  // The memory transport is typed for the test kit's hub; it only needs the hub's session API, which every hub has.
  const client = createRealtimeClient({
    transport: createMemoryTransport(realtime.hub as Parameters<typeof createMemoryTransport>[0]),
  });
  cleanups.push(
    () => realtime.close(),
    () => client.close(),
  );
  const route = chatRoute(realtime);
  const transport = realtimeChatTransport({
    client,
    api: 'http://app.test/api/chat',
    fetch: (input, init) => route(new Request(input, init)),
    stopOnAbort,
  });
  return { transport };
}

describe('useChat over realtimeChatTransport', () => {
  it('a refresh mid-response (unmount, then mount with resume: true) shows exactly the full text', async () => {
    // useChat aborts on unmount: without stopOnAbort the generation goes on, as it does when a page really reloads.
    const { transport } = await setup(false);
    const first = render(<Chat transport={transport} initial={[]} />);
    act(() => screen.getByRole('button', { name: 'send' }).click());
    await waitFor(() => expect(screen.getByTestId('text').textContent).toContain('w20 '), { timeout: 10_000 });
    expect(screen.getByTestId('text').textContent).not.toContain(`w${TOKENS - 1} `);
    first.unmount();

    // The app reloads what it persisted (the user's message; the answer is still being generated) and resumes.
    render(<Chat transport={transport} initial={[USER]} />);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('ready'), { timeout: 10_000 });
    await waitFor(() => expect(screen.getByTestId('text').textContent).toBe(FULL_TEXT), { timeout: 10_000 });
    expect(screen.getByTestId('assistants').textContent).toBe('1');
  });

  it("useChat's stop() (with the default stopOnAbort) stops the generation on the server", async () => {
    const { transport } = await setup();
    let stop!: () => Promise<void>;
    function Stoppable() {
      const chat = useChat({ id: 'chat-stop', transport });
      stop = chat.stop;
      const text = chat.messages.flatMap((message) =>
        message.role === 'assistant' ? message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])) : [],
      );
      return (
        <div>
          <button type="button" onClick={() => void chat.sendMessage({ text: 'hello' })}>
            send
          </button>
          <pre data-testid="text">{text.join('')}</pre>
        </div>
      );
    }
    render(<Stoppable />);
    act(() => screen.getByRole('button', { name: 'send' }).click());
    await waitFor(() => expect(screen.getByTestId('text').textContent).toContain('w5 '), { timeout: 10_000 });
    await act(() => stop());
    // A new reader of the chat finds nothing running well before the model would have finished (~1.1 s more).
    await waitFor(async () => expect(await transport.reconnectToStream({ chatId: 'chat-stop' })).toBeNull(), {
      timeout: 500,
    });
  });
});
