// AI responses over channels on one instance (memory broker): the real `ai` package with a mock model, the chat route
// on a real http server, and realtime clients over WebSocket reading through `realtimeChatTransport`.
import { chatChannelName, realtimeChatTransport, type CompactedChatMessage } from '@realtime-kit/core/ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtime } from '../src/index.js';
import { pacedModel, readChunks, startChatServer, userMessage, type PacedModel } from './ai-helpers.js';
import { cleanup, onCleanup, startClient, WAIT } from './ws-helpers.js';

afterEach(cleanup);

async function setup(paced: PacedModel, options: Parameters<typeof startChatServer>[2] = {}) {
  const realtime = await createRealtime({ redis: false, rateLimit: false, subscribeLimit: false, onError: () => {} });
  onCleanup(() => realtime.close());
  const generations: Promise<unknown>[] = [];
  const server = await startChatServer(realtime, paced.model, {
    waitUntil: (promise) => generations.push(promise),
    ...options,
  });
  onCleanup(() => server.stop());
  const reader = (staleAfterMs?: number) => {
    const { client, transport: socket } = startClient(server.url);
    const transport = realtimeChatTransport({ client, api: server.api, staleAfterMs, onError: () => {} });
    return { client, socket, transport };
  };
  return { realtime, server, reader, generations };
}

function send(transport: ReturnType<typeof realtimeChatTransport>, chatId: string, abortSignal?: AbortSignal) {
  return transport.sendMessages({
    trigger: 'submit-message',
    chatId,
    messageId: undefined,
    messages: [userMessage('hello')],
    abortSignal,
  });
}

describe('AI streaming over channels (memory)', () => {
  it('delivers the whole response exactly, then compacts it into one message on the chat channel', async () => {
    const paced = pacedModel(60, 2);
    const { realtime, reader, generations } = await setup(paced);
    const { text, chunks, error } = await readChunks(await send(reader().transport, 'chat1'));
    expect(error).toBeUndefined();
    expect(text).toBe(paced.text);
    expect(chunks[0]?.type).toBe('start');
    expect(chunks.at(-1)?.type).toBe('finish');

    await Promise.all(generations);
    const history = await realtime.history(chatChannelName('chat1'));
    expect(history.messages.map((message) => message.event)).toEqual(['stream', 'message']);
    const compacted = history.messages[1]!.data as CompactedChatMessage;
    expect(compacted.status).toBe('done');
    expect(compacted.message?.role).toBe('assistant');
    expect(compacted.message?.parts.flatMap((part) => (part.type === 'text' ? [part.text] : []))).toEqual([paced.text]);
    // Nothing is active any more: a resume finds nothing.
    expect(await reader().transport.reconnectToStream({ chatId: 'chat1' })).toBeNull();
  });

  it('a connection dropped mid-stream resumes at the next chunk: no token lost or repeated', async () => {
    const paced = pacedModel(80, 5);
    const { reader } = await setup(paced);
    const { transport, socket } = reader();
    let dropped = 0;
    const result = await readChunks(await send(transport, 'chat2'), (count) => {
      if (count === 20 || count === 50) {
        dropped += 1;
        socket.reconnect();
      }
    });
    expect(dropped).toBe(2);
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(paced.text);
  });

  it('a resume costs one HTTP round trip (which response is active), then the replay over the open connection', async () => {
    const paced = pacedModel(60, 5);
    const { server, reader } = await setup(paced);
    const original = readChunks(await send(reader().transport, 'chat-rt'));
    const { client } = startClient(server.url);
    const requests: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return fetch(input, init);
    };
    const resumed = realtimeChatTransport({ client, api: server.api, fetch: counting, onError: () => {} });
    const stream = await resumed.reconnectToStream({ chatId: 'chat-rt' });
    expect(stream).not.toBeNull();
    const result = await readChunks(stream!);
    expect(result.text).toBe(paced.text);
    expect(requests).toEqual([`GET ${server.api}?chatId=chat-rt`]);
    await original;
  });

  it('a host cutting connections every 300 ms (maxDurationMs): the reader resumes each time, the text is whole', async () => {
    const paced = pacedModel(120, 10);
    const { reader } = await setup(paced, { maxDurationMs: 300 });
    const { transport, socket } = reader();
    let sessions = 0;
    let open = false;
    const off = socket.subscribe(() => {
      const now = socket.getSnapshot().status === 'open';
      if (now && !open) sessions += 1;
      open = now;
    });
    const result = await readChunks(await send(transport, 'chat-cut'));
    off();
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(paced.text);
    expect(sessions).toBeGreaterThanOrEqual(3);
  });

  it('a page refresh (a new client) mid-stream replays the response from its start, and two tabs read the same text', async () => {
    const paced = pacedModel(80, 5);
    const { reader } = await setup(paced);
    const first = reader();
    const sent = send(first.transport, 'chat3');
    let refreshed: Promise<Awaited<ReturnType<typeof readChunks>>> | undefined;
    const original = readChunks(await sent, (count) => {
      if (count === 30) {
        first.client.close();
        refreshed = (async () => {
          const stream = await reader().transport.reconnectToStream({ chatId: 'chat3' });
          expect(stream).not.toBeNull();
          return readChunks(stream!);
        })();
      }
    });
    const secondTab = readChunks((await reader().transport.reconnectToStream({ chatId: 'chat3' }))!);
    // The closed page's reader ends with `closed` instead of waiting forever.
    expect((await original).error).toMatchObject({ code: 'closed' });
    await vi.waitFor(() => expect(refreshed).toBeDefined(), WAIT);
    const [afterRefresh, tab] = await Promise.all([refreshed!, secondTab]);
    expect(afterRefresh.error).toBeUndefined();
    expect(afterRefresh.text).toBe(paced.text);
    expect(tab.text).toBe(paced.text);
    expect(tab.chunks).toEqual(afterRefresh.chunks);
  });

  it('a second reader on the same client (another component, a remount) gets the whole response too', async () => {
    const paced = pacedModel(80, 5);
    const { server } = await setup(paced);
    const { client } = startClient(server.url);
    const first = realtimeChatTransport({ client, api: server.api, onError: () => {} });
    const second = realtimeChatTransport({ client, api: server.api, onError: () => {} });
    let late: Promise<Awaited<ReturnType<typeof readChunks>>> | undefined;
    const original = readChunks(await send(first, 'chat-same'), (count) => {
      if (count === 30)
        late = (async () => {
          const stream = await second.reconnectToStream({ chatId: 'chat-same' });
          expect(stream).not.toBeNull();
          return readChunks(stream!);
        })();
    });
    const whole = await original;
    expect(whole.text).toBe(paced.text);
    await vi.waitFor(() => expect(late).toBeDefined(), WAIT);
    const joined = await late!;
    expect(joined.error).toBeUndefined();
    expect(joined.text).toBe(paced.text);
    expect(joined.chunks).toEqual(whole.chunks);
    // And once both are done, a third reader on the same client (the response over) reads it whole from the server.
    const again = await first.reconnectToStream({ chatId: 'chat-same' });
    expect(again).toBeNull();
  });

  it("stop (useChat's abort) aborts the model's signal within 500 ms and ends the response as stopped", async () => {
    const paced = pacedModel(400, 10);
    const reported: unknown[] = [];
    const { realtime, reader, generations } = await setup(paced, { onStreamError: (error) => reported.push(error) });
    const aborter = new AbortController();
    let stoppedAt = 0;
    const follower = reader();
    const read = readChunks(await send(reader().transport, 'chat4', aborter.signal), (count) => {
      if (count === 10) {
        stoppedAt = performance.now();
        aborter.abort();
      }
    });
    const watching = readChunks((await follower.transport.reconnectToStream({ chatId: 'chat4' }))!);
    // The stopping reader ends with the abort, as a fetch body would.
    expect((await read).error).toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(paced.abortedAt).toHaveLength(1), WAIT);
    expect(paced.abortedAt[0]! - stoppedAt).toBeLessThan(500);
    // Another tab sees the response end (cleanly: stopped is not an error), shorter than the full text.
    const watched = await watching;
    expect(watched.error).toBeUndefined();
    expect(watched.text.length).toBeGreaterThan(0);
    expect(paced.text.startsWith(watched.text)).toBe(true);
    expect(watched.text.length).toBeLessThan(paced.text.length);
    await Promise.all(generations);
    const { messages } = await realtime.history(chatChannelName('chat4'));
    expect((messages.at(-1)!.data as CompactedChatMessage).status).toBe('stopped');
    // A stop is not a failure: nothing reported.
    expect(reported).toEqual([]);
  });

  it('a response whose generator went silent is ended with an error by the watchdog, never cut silently', async () => {
    const paced = pacedModel(1, 1);
    const { realtime, reader } = await setup(paced, { staleAfterMs: 300 });
    // A response announced by an instance that died before its first chunk.
    const channel = 'ai-stream:chat5:lost';
    await realtime.publish(chatChannelName('chat5'), 'stream', { streamId: 'lost', channel });
    const stream = await reader(200).transport.reconnectToStream({ chatId: 'chat5' });
    expect(stream).not.toBeNull();
    const result = await readChunks(stream!);
    expect(result.error).toMatchObject({ code: 'server_error', message: expect.stringMatching(/cut off/) });
    const { messages } = await realtime.history(chatChannelName('chat5'));
    expect(messages.at(-1)!.data).toMatchObject({ streamId: 'lost', status: 'error', message: null });
  });
});
