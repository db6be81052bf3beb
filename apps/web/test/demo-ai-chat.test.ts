// The ai-chat demo's route logic (lib/demo-ai-chat.ts) with the real `ai` package: the mock model's replies and pace,
// and the route's POST / GET / DELETE read through `realtimeChatTransport` over an in-process realtime (memory broker).
import { createRealtimeClient } from '@realtime-kit/core';
import { realtimeChatTransport } from '@realtime-kit/core/ai';
import { createMemoryTransport } from '@realtime-kit/core/testing';
import { createRealtime, type Realtime } from '@realtime-kit/server';
import type { UIMessage, UIMessageChunk } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_TOKENS_PER_SECOND, demoChatModel, demoReply, demoTokens, handleDemoChat } from '../lib/demo-ai-chat';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

const question = (text: string): UIMessage => ({ id: 'u-1', role: 'user', parts: [{ type: 'text', text }] });

async function setup(model = demoChatModel({ tokenMs: 2, firstTokenMs: 0 })) {
  const realtime: Realtime = await createRealtime({
    redis: false,
    rateLimit: false,
    subscribeLimit: false,
    onError: () => {},
  });
  const client = createRealtimeClient({
    transport: createMemoryTransport(realtime.hub as Parameters<typeof createMemoryTransport>[0]),
  });
  cleanups.push(
    () => realtime.close(),
    () => client.close(),
  );
  const generations: Promise<unknown>[] = [];
  const route = (request: Request) =>
    handleDemoChat(realtime, request, { model, waitUntil: (promise) => generations.push(promise) });
  const transport = realtimeChatTransport({
    client,
    api: 'http://demo.test/api/demo/ai-chat',
    fetch: (input, init) => route(new Request(input, init)),
  });
  return { transport, route, generations };
}

async function read(stream: ReadableStream<UIMessageChunk>) {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  const text = (type: 'text-delta' | 'reasoning-delta') =>
    chunks.map((chunk) => (chunk.type === type ? chunk.delta : '')).join('');
  return { chunks, text: text('text-delta'), reasoning: text('reasoning-delta') };
}

const post = (body: unknown) =>
  new Request('http://demo.test/api/demo/ai-chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the demo model', () => {
  it('answers by topic, and its words add up to the reply', () => {
    expect(demoReply('What happens if I reload the page?').text).toMatch(/reload/);
    expect(demoReply('How do I stop it?').text).toMatch(/^Stop does two things/);
    expect(demoReply('Two tabs?').text).toMatch(/second tab/);
    expect(demoReply('Hello').text).toMatch(/^This is a demo model/);
    for (const reply of [demoReply('reload'), demoReply('hello')]) {
      expect(demoTokens(reply.text).join('')).toBe(reply.text);
      expect(demoTokens(reply.text).length).toBeGreaterThan(60);
    }
  });

  it('writes at a hosted model’s pace: 30–60 words a second, never faster', async () => {
    expect(DEMO_TOKENS_PER_SECOND).toBeGreaterThanOrEqual(30);
    expect(DEMO_TOKENS_PER_SECOND).toBeLessThanOrEqual(60);
    const model = demoChatModel({ firstTokenMs: 0 });
    const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    const reader = stream.getReader();
    const times: number[] = [];
    while (times.length < 21) {
      const { value, done } = await reader.read();
      if (done) break;
      if (value.type === 'text-delta' || value.type === 'reasoning-delta') times.push(performance.now());
    }
    await reader.cancel();
    const perSecond = ((times.length - 1) * 1000) / (times.at(-1)! - times[0]!);
    expect(perSecond).toBeLessThanOrEqual(DEMO_TOKENS_PER_SECOND * 1.05);
    // A loaded machine only slows it down; it still streams at a readable pace.
    expect(perSecond).toBeGreaterThan(15);
  });
});

describe('the demo chat route', () => {
  it('streams reasoning and then exactly the reply through the channel, and finds nothing running afterwards', async () => {
    const { transport, generations } = await setup();
    const stream = await transport.sendMessages({
      trigger: 'submit-message',
      chatId: 'demo-1',
      messageId: undefined,
      messages: [question('What survives a reload?')],
      abortSignal: undefined,
    });
    const { chunks, text, reasoning } = await read(stream);
    const reply = demoReply('What survives a reload?');
    expect(text).toBe(reply.text);
    expect(reasoning).toBe(reply.reasoning);
    expect(chunks.findIndex((chunk) => chunk.type === 'reasoning-start')).toBeLessThan(
      chunks.findIndex((chunk) => chunk.type === 'text-start'),
    );
    expect(chunks.at(-1)?.type).toBe('finish');
    await Promise.all(generations);
    expect(await transport.reconnectToStream({ chatId: 'demo-1' })).toBeNull();
  });

  it('a reader that comes back mid-answer (a reload) gets the whole answer replayed, then live', async () => {
    const { transport } = await setup(demoChatModel({ tokenMs: 8, firstTokenMs: 0 }));
    const first = (
      await transport.sendMessages({
        trigger: 'submit-message',
        chatId: 'demo-2',
        messageId: undefined,
        messages: [question('hello')],
        abortSignal: undefined,
      })
    ).getReader();
    for (let count = 0; count < 30; count++) await first.read();
    await first.cancel();
    const resumed = await transport.reconnectToStream({ chatId: 'demo-2' });
    expect(resumed).not.toBeNull();
    expect((await read(resumed!)).text).toBe(demoReply('hello').text);
  });

  it('DELETE stops the answer: the model’s abort signal fires and the answer ends', async () => {
    const onAbort = vi.fn();
    const { transport, route } = await setup(demoChatModel({ tokenMs: 20, firstTokenMs: 0, onAbort }));
    const stream = await transport.sendMessages({
      trigger: 'submit-message',
      chatId: 'demo-3',
      messageId: undefined,
      messages: [question('hello')],
      abortSignal: undefined,
    });
    const reader = stream.getReader();
    for (let count = 0; count < 10; count++) await reader.read();
    const stopped = await route(new Request('http://demo.test/api/demo/ai-chat?chatId=demo-3', { method: 'DELETE' }));
    expect(stopped.status).toBe(202);
    await vi.waitFor(() => expect(onAbort).toHaveBeenCalledTimes(1), { timeout: 2000 });
    let text = '';
    for (let next = await reader.read(); !next.done; next = await reader.read())
      if (next.value.type === 'text-delta') text += next.value.delta;
    expect(demoReply('hello').text.length).toBeGreaterThan(text.length);
    expect(await transport.reconnectToStream({ chatId: 'demo-3' })).toBeNull();
  });

  it('refuses what useChat would never send', async () => {
    const { route } = await setup();
    const refused = async (request: Request) => {
      const response = await route(request);
      return { status: response.status, body: (await response.json()) as { error: { message: string } } };
    };
    expect((await refused(post({ messages: [question('hi')] }))).status).toBe(400);
    expect((await refused(post({ id: 'c', messages: [] }))).status).toBe(400);
    expect((await refused(post({ id: 'c', messages: [{ id: 'x', role: 'user' }] }))).status).toBe(400);
    const answerLast = { id: 'a', role: 'assistant', parts: [{ type: 'text', text: 'hi' }] };
    expect((await refused(post({ id: 'c', messages: [question('hi'), answerLast] }))).body.error.message).toMatch(
      /last message must be a question/,
    );
    expect((await refused(post({ id: 'bad:id', messages: [question('hi')] }))).status).toBe(400);
    const notJson = new Request('http://demo.test/api/demo/ai-chat', { method: 'POST', body: 'hello' });
    expect((await refused(notJson)).status).toBe(400);
    expect((await route(new Request('http://demo.test/api/demo/ai-chat', { method: 'PUT' }))).status).toBe(405);
    expect((await route(new Request('http://demo.test/api/demo/ai-chat?chatId=none'))).status).toBe(204);
  });
});
