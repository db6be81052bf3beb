// `onEvent` is an audit trail: each publish and each refusal is reported exactly once, naming the transport that
// carried it, whichever endpoint it came through (one `createRealtime`, every endpoint on one server).
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ServerEvent } from '../src/index.js';
import { ioClient, livePublish, pollingClient, sseSessionClient, wsClient } from './adversarial-clients.js';
import { cleanup, startStack, until, userFromHeader, userFromToken } from './adversarial-stack.js';

afterEach(cleanup);

describe('onEvent reports each publish and each refusal once, with its transport', () => {
  it('over WebSocket, SSE + POST, long polling, Socket.io and the plain SSE endpoint', async () => {
    const events: ServerEvent[] = [];
    const stack = await startStack({
      realtime: {
        rateLimit: false,
        schemas: { chat: z.object({ text: z.string() }) },
        onEvent: (event) => events.push(event),
      },
      authenticateToken: userFromToken,
      authenticateRequest: userFromHeader,
    });
    const clients = [
      await wsClient(stack, 'ws-user'),
      await sseSessionClient(stack, { headers: { 'x-user': 'sse-user' } }),
      await pollingClient(stack, { headers: { 'x-user': 'poll-user' } }),
      await ioClient(stack, 'io-user'),
    ];
    for (const client of clients) {
      // One good publish, the same publish again (its cid: stored once), one the schema refuses.
      await client.send({
        type: 'publish',
        channel: 'room',
        event: 'chat',
        data: { text: 'hi' },
        cid: `${client.name}-1`,
      });
      await client.send({
        type: 'publish',
        channel: 'room',
        event: 'chat',
        data: { text: 'hi' },
        cid: `${client.name}-1`,
      });
      await client.send({
        type: 'publish',
        channel: 'room',
        event: 'chat',
        data: { text: 42 },
        cid: `${client.name}-2`,
      });
    }
    await until(() =>
      expect(
        clients.every(
          (client) => client.frames.filter((frame) => frame.type === 'ack' || frame.type === 'nack').length === 3,
        ),
      ).toBe(true),
    );
    expect(
      (
        await livePublish(stack, { channel: 'room', event: 'chat', data: { text: 'hi' }, cid: 'live-1' }, '', {
          'x-user': 'live-user',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await livePublish(stack, { channel: 'room', event: 'chat', data: { text: 'hi' }, cid: 'live-1' }, '', {
          'x-user': 'live-user',
        })
      ).status,
    ).toBe(200);
    expect(
      (await livePublish(stack, { channel: 'room', event: 'chat', data: { text: 7 } }, '', { 'x-user': 'live-user' }))
        .status,
    ).toBe(422);
    await stack.realtime.publish('room', 'chat', { text: 'from the server' });

    const publishes = events.flatMap((event) =>
      event.type === 'publish' ? [`${event.transport}:${String(event.userId)}`] : [],
    );
    const refusals = events.flatMap((event) =>
      event.type === 'refused' ? [`${event.transport}:${event.code}:${String(event.userId)}`] : [],
    );
    expect(publishes.sort()).toEqual(
      [
        'websocket:ws-user',
        'sse:sse-user',
        'polling:poll-user',
        'socket.io:io-user',
        'http:live-user',
        'server:undefined',
      ].sort(),
    );
    expect(refusals.sort()).toEqual(
      [
        'websocket:invalid_payload:ws-user',
        'sse:invalid_payload:sse-user',
        'polling:invalid_payload:poll-user',
        'socket.io:invalid_payload:io-user',
        'http:invalid_payload:live-user',
      ].sort(),
    );
  });
});
