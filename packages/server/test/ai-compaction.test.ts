// The compacted message of a response equals, part for part, what the AI SDK's own builder makes of every chunk as
// it came: text, reasoning and tool input arrive as thousands of deltas and are merged before the message is built.
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { streamToChannel } from '../src/ai/index.js';
import { createRealtime } from '../src/index.js';

function response(): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [{ type: 'start', messageId: 'm1' }, { type: 'start-step' }];
  chunks.push({ type: 'reasoning-start', id: 'r1' });
  for (let n = 0; n < 50; n += 1) chunks.push({ type: 'reasoning-delta', id: 'r1', delta: `think ${n} ` });
  chunks.push({ type: 'reasoning-end', id: 'r1' });
  chunks.push({ type: 'tool-input-start', toolCallId: 'call-1', toolName: 'weather' });
  for (const piece of ['{"ci', 'ty":', '"Par', 'is"}'])
    chunks.push({ type: 'tool-input-delta', toolCallId: 'call-1', inputTextDelta: piece });
  chunks.push({ type: 'tool-input-available', toolCallId: 'call-1', toolName: 'weather', input: { city: 'Paris' } });
  chunks.push({ type: 'tool-output-available', toolCallId: 'call-1', output: { celsius: 21 } });
  chunks.push({ type: 'text-start', id: 't1' });
  for (let n = 0; n < 300; n += 1) chunks.push({ type: 'text-delta', id: 't1', delta: `w${n} ` });
  // A delta with provider metadata is kept as it came.
  chunks.push({ type: 'text-delta', id: 't1', delta: 'signed.', providerMetadata: { test: { signed: true } } });
  chunks.push({ type: 'text-end', id: 't1' }, { type: 'text-start', id: 't2' });
  for (let n = 0; n < 30; n += 1) chunks.push({ type: 'text-delta', id: 't2', delta: `second ${n} ` });
  chunks.push({ type: 'text-end', id: 't2' }, { type: 'finish-step' }, { type: 'finish' });
  return chunks;
}

function streamOf(chunks: readonly UIMessageChunk[]) {
  return new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function builtBySdk(chunks: readonly UIMessageChunk[]): Promise<UIMessage | null> {
  let message: UIMessage | null = null;
  for await (const snapshot of readUIMessageStream({ stream: streamOf(chunks) })) message = snapshot;
  return message;
}

describe('streamToChannel compaction', () => {
  it('builds the same message as the AI SDK does from every chunk', async () => {
    const realtime = await createRealtime({ redis: false, rateLimit: false, subscribeLimit: false });
    try {
      const chunks = response();
      const started = await streamToChannel(realtime, { chatId: 'chat-c', stream: streamOf(chunks) });
      const compacted = await started.done;
      expect(compacted.status).toBe('done');
      const expected = await builtBySdk(chunks);
      expect(compacted.message).toEqual(expected);
      expect(expected?.parts.map((part) => part.type)).toEqual([
        'step-start',
        'reasoning',
        'tool-weather',
        'text',
        'text',
      ]);
    } finally {
      await realtime.close();
    }
  });
});
