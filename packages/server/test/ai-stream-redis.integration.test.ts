// AI responses across instances over one real redis-server: generated on one instance, read and stopped through
// another, and an instance SIGKILLed mid-generation (a child process) ends the response with an error, never a cut.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chatChannelName, realtimeChatTransport, type CompactedChatMessage } from '@realtime-kit/core/ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtime } from '../src/index.js';
import { pacedModel, readChunks, startChatServer, userMessage } from './ai-helpers.js';
import { useRedis } from './redis-server.js';
import { cleanup, onCleanup, startClient, WAIT } from './ws-helpers.js';

const redisServer = useRedis();
afterEach(cleanup);

async function instance(paced: ReturnType<typeof pacedModel>, options: Parameters<typeof startChatServer>[2] = {}) {
  const realtime = await createRealtime({
    redis: redisServer.current.url,
    rateLimit: false,
    subscribeLimit: false,
    onError: () => {},
  });
  onCleanup(() => realtime.close());
  const server = await startChatServer(realtime, paced.model, options);
  onCleanup(() => server.stop());
  return { realtime, server };
}

function reader(url: string, api: string) {
  const { client } = startClient(url);
  return realtimeChatTransport({ client, api, onError: () => {} });
}

const send = (transport: ReturnType<typeof realtimeChatTransport>, chatId: string, abortSignal?: AbortSignal) =>
  transport.sendMessages({
    trigger: 'submit-message',
    chatId,
    messageId: undefined,
    messages: [userMessage('hello')],
    abortSignal,
  });

/** The AI instance as a process of its own, generating with a paced model; SIGKILLed by `kill`. */
async function spawnInstance(env: Record<string, string>) {
  const script = fileURLToPath(new URL('./ai-instance.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const api = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.once('exit', () => reject(new Error(`instance exited before READY: ${stderr}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready) resolve(ready[1]!);
    });
  });
  return {
    api,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('AI streaming over channels (Redis, several instances)', () => {
  it('a response generated on instance A is read exactly through instance B; a stop sent to B aborts the model on A', async () => {
    const paced = pacedModel(60, 3);
    const a = await instance(paced);
    const b = await instance(paced);
    const full = await readChunks(await send(reader(b.server.url, a.server.api), 'redis1'));
    expect(full.error).toBeUndefined();
    expect(full.text).toBe(paced.text);

    const long = pacedModel(400, 10);
    const a2 = await instance(long);
    const aborter = new AbortController();
    let stoppedAt = 0;
    // Posted to A (which generates), followed and stopped through B (the stop route of B).
    const transport = realtimeChatTransport({
      client: startClient(b.server.url).client,
      api: a2.server.api,
      stopApi: b.server.api,
      onError: () => {},
    });
    const stopped = await readChunks(await send(transport, 'redis2', aborter.signal), (count) => {
      if (count === 10) {
        stoppedAt = performance.now();
        aborter.abort();
      }
    });
    // The stopping reader ends with the abort, as a fetch body would.
    expect(stopped.error).toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(long.abortedAt).toHaveLength(1), WAIT);
    expect(long.abortedAt[0]! - stoppedAt).toBeLessThan(500);
    await vi.waitFor(async () => {
      const { messages } = await b.realtime.history(chatChannelName('redis2'));
      expect((messages.at(-1)?.data as CompactedChatMessage | undefined)?.status).toBe('stopped');
    }, WAIT);
  });

  it('an instance SIGKILLed mid-generation: the reader on another instance gets an error, never a silent cut', async () => {
    const generator = await spawnInstance({
      REDIS_URL: redisServer.current.url,
      TOKENS: '2000',
      DELAY_MS: '10',
      HEARTBEAT_MS: '200',
    });
    const b = await instance(pacedModel(1, 1), { staleAfterMs: 1000 });
    let killed: Promise<void> | undefined;
    // A load balancer's stand-in: the POST reaches the generator, later requests whichever instance is alive (B).
    const transport = realtimeChatTransport({
      client: startClient(b.server.url).client,
      api: generator.api,
      staleAfterMs: 500,
      fetch: (url, init) =>
        fetch(init?.method === 'POST' ? url : String(url).replace(generator.api, b.server.api), init),
      onError: () => {},
    });
    const result = await readChunks(await send(transport, 'redis3'), (count) => {
      if (count === 20) killed = generator.kill();
    });
    await killed;
    // The text so far is a prefix of what the model says, and the reader was told it is incomplete.
    expect(result.text.startsWith('word0 word1 ')).toBe(true);
    expect(result.text.length).toBeLessThan(pacedModel(2000, 1).text.length);
    expect(result.error).toMatchObject({ code: 'server_error', message: expect.stringMatching(/cut off/) });
    // Resuming now finds nothing running, and the chat's history says the response failed.
    expect(await reader(b.server.url, b.server.api).reconnectToStream({ chatId: 'redis3' })).toBeNull();
    const { messages } = await b.realtime.history(chatChannelName('redis3'));
    expect(messages.at(-1)!.data).toMatchObject({ status: 'error', message: null });
  });
});
