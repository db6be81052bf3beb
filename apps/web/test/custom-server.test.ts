// The documented custom server (server.mjs's `createNextServer`): the built Next.js app and the realtime
// WebSocket endpoint on one port, and a route handler publishing through the same process-wide hub.
// Needs `next build` first (turbo runs web#build before web#test).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRealtimeClient, type ChannelMessage } from '@realtime-kit/core';
import { pollingTransport } from '@realtime-kit/core/polling';
import { sseTransport } from '@realtime-kit/core/sse-transport';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { createNextServer, type NextServer } from '@realtime-kit/server';
import next from 'next';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';

const dir = path.resolve(import.meta.dirname, '..');
let running: NextServer;

beforeAll(async () => {
  if (!existsSync(path.join(dir, '.next', 'BUILD_ID')))
    throw new Error('apps/web is not built: run `pnpm --filter web build` first.');
  running = await createNextServer({ app: next({ dev: false, dir }), port: 0, hostname: '127.0.0.1', shutdown: false });
});

afterAll(async () => {
  await running?.close();
  await running?.realtime.close();
});

describe('createNextServer (server.mjs)', () => {
  it('serves the Next.js app and the WebSocket endpoint on one port; a route handler publishes to WebSocket subscribers', async () => {
    const base = `http://127.0.0.1:${running.port}`;
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('</html>');

    const transport = websocketTransport({
      url: `ws://127.0.0.1:${running.port}/realtime`,
      WebSocket,
      heartbeat: false,
    });
    const client = createRealtimeClient({ transport });
    const seen: ChannelMessage[] = [];
    const off = client.channel('demo:chat').subscribe('*', (message) => seen.push(message));
    try {
      await vi.waitFor(() => expect(client.channel('demo:chat').getSnapshot().subscribed).toBe(true), {
        timeout: 10_000,
      });

      const published = await fetch(`${base}/api/demo/chat`, {
        method: 'POST',
        body: JSON.stringify({ text: 'hello from a route handler' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(published.status).toBe(200);
      expect(await published.json()).toMatchObject({ seq: 1, id: expect.any(String) });
      await vi.waitFor(
        () => expect(seen.map((message) => message.data)).toEqual([{ text: 'hello from a route handler' }]),
        { timeout: 10_000 },
      );

      const refused = await fetch(`${base}/api/demo/chat`, { method: 'POST', body: JSON.stringify({ text: 42 }) });
      expect(refused.status).toBe(422);
      expect(await refused.json()).toMatchObject({ error: { code: 'invalid_payload' } });
      expect(running.endpoint.clients).toBe(1);
    } finally {
      off();
      client.close();
    }
  });

  it('serves the fallback transports at /api/realtime (SSE + POST, long polling) over the same hub as the WebSocket', async () => {
    const base = `http://127.0.0.1:${running.port}`;
    const online = { isOnline: () => true, subscribe: () => () => {} };
    const listeners = [
      createRealtimeClient({ transport: sseTransport({ url: `${base}/api/realtime`, network: online }) }),
      createRealtimeClient({ transport: pollingTransport({ url: `${base}/api/realtime`, network: online }) }),
      createRealtimeClient({
        transport: websocketTransport({ url: `ws://127.0.0.1:${running.port}/realtime`, WebSocket, heartbeat: false }),
      }),
    ];
    const seen = listeners.map(() => [] as unknown[]);
    const offs = listeners.map((client, i) =>
      client.channel('demo:fallback').subscribe('*', (message) => seen[i]!.push(message.data)),
    );
    try {
      await vi.waitFor(
        () => expect(listeners.every((client) => client.channel('demo:fallback').getSnapshot().subscribed)).toBe(true),
        { timeout: 15_000 },
      );
      // Each publishes once; everyone gets all three, whichever transport carried them.
      await Promise.all(
        listeners.map((client, i) =>
          client.channel('demo:fallback').publish('message', { from: ['sse', 'polling', 'websocket'][i] }),
        ),
      );
      await vi.waitFor(() => expect(seen.map((data) => data.length)).toEqual([3, 3, 3]), { timeout: 15_000 });
      for (const data of seen) expect(data).toEqual(seen[2]);
    } finally {
      offs.forEach((off) => off());
      listeners.forEach((client) => client.close());
    }
  });
});
