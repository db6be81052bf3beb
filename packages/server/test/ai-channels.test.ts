// The channels of AI responses are written by the server only: a client cannot forge an answer's chunks, end it,
// or stop someone else's response through the channel; it can read them.
import { chatChannelName, chatControlChannelName, chatStreamChannelName } from '@realtime-kit/core/ai';
import type { ServerFrame } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';
import { createRealtime } from '../src/index.js';

describe('AI response channels: server-written', () => {
  it('refuses client publishes and signals `forbidden`, lets clients read, and the server writes', async () => {
    const refusals: string[] = [];
    const realtime = await createRealtime({
      redis: false,
      onEvent: (event) => void (event.type === 'refused' && refusals.push(`${event.code} ${event.channel}`)),
    });
    try {
      const frames: ServerFrame[] = [];
      const session = realtime.hub.connect({ send: (frame) => frames.push(frame), userId: 'mallory' });
      const stream = chatStreamChannelName('c1', 's1');
      await session.receive({ type: 'subscribe', channel: stream });
      await session.receive({
        type: 'publish',
        channel: stream,
        event: 'chunks',
        data: [{ type: 'text-delta', id: 't', delta: 'forged' }],
        cid: 'x1',
      });
      await session.receive({ type: 'publish', channel: chatChannelName('c1'), event: 'message', data: {}, cid: 'x2' });
      await session.receive({ type: 'signal', channel: chatControlChannelName('c1'), event: 'stop', data: {} });
      const nacks = frames.flatMap((frame) => (frame.type === 'nack' ? [[frame.cid, frame.error.code]] : []));
      expect(nacks).toEqual([
        ['x1', 'forbidden'],
        ['x2', 'forbidden'],
      ]);
      expect(frames.some((frame) => frame.type === 'error' && frame.error.code === 'forbidden')).toBe(true);
      expect(refusals).toHaveLength(3);
      expect((await realtime.history(stream)).messages).toEqual([]);

      // The server writes; the subscribed reader gets it.
      await realtime.publish(stream, 'end', { status: 'done' });
      expect(frames.some((frame) => frame.type === 'message' && frame.event === 'end')).toBe(true);
      // Other channels are untouched.
      await session.receive({ type: 'publish', channel: 'ai-notes', event: 'm', data: 1, cid: 'x3' });
      expect(frames.some((frame) => frame.type === 'ack' && frame.cid === 'x3')).toBe(true);
    } finally {
      await realtime.close();
    }
  });
});
