/**
 * shareAcrossTabs in real Chromium: five pages of one browser context (one profile) open the same app, which wraps
 * its WebSocket transport in shareAcrossTabs. The pages load @realtime-kit/core's built ESM through an import map,
 * from a loopback server that also runs the real WebSocket endpoint of @realtime-kit/server.
 *
 * Checked: 5 tabs → 1 server connection; closing the leader (and freezing one: its `freeze` event) hands
 * the connection to another tab within a second; every tab sees every message exactly once, including those
 * published while nobody held the connection; presence counts the user once.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { createWebSocketEndpoint, type WebSocketEndpoint } from '@realtime-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TABS = 5;
const require = createRequire(import.meta.url);
const coreDist = path.dirname(require.resolve('@realtime-kit/core'));
const coreRequire = createRequire(path.join(coreDist, '..', 'package.json'));
const parserDist = path.join(path.dirname(coreRequire.resolve('eventsource-parser/package.json')), 'dist');

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>tab</title>
<script type="importmap">{ "imports": { "eventsource-parser": "/parser/index.js" } }</script>
<script type="module">
  import { createRealtimeClient } from '/core/index.js';
  import { websocketTransport } from '/core/websocket/index.js';
  import { shareAcrossTabs } from '/core/cross-tab/index.js';
  const transport = shareAcrossTabs(() => websocketTransport({ url: 'ws://' + location.host + '/realtime', auth: () => 'ada', backoff: { minMs: 20, maxMs: 100 } }));
  const client = createRealtimeClient({ transport });
  const room = client.channel('room');
  const received = [];
  const documents = [];
  room.subscribe('*', (message) => {
    received.push(message.seq);
    if (message.event === 'document') documents.push(JSON.stringify(message.data));
  });
  room.presence.enter({ tab: Math.random() });
  window.rk = {
    transport,
    client,
    received,
    documents,
    ready: () => room.getSnapshot().subscribed && client.getSnapshot().status === 'open',
  };
</script></head><body>tab</body></html>`;

let server: Server;
let endpoint: WebSocketEndpoint;
let browser: Browser;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  // Compression on: large frames are deflated once by the endpoint itself, and Chromium must inflate them.
  endpoint = createWebSocketEndpoint({
    authenticate: (token) => (token ? { userId: token } : null),
    compression: true,
  });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const serve = (file: string) => {
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    };
    if (url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (url.pathname.startsWith('/core/'))
      return serve(path.join(coreDist, path.normalize(url.pathname.slice('/core/'.length))));
    if (url.pathname.startsWith('/parser/'))
      return serve(path.join(parserDist, path.normalize(url.pathname.slice('/parser/'.length))));
    res.writeHead(404).end();
  });
  server.on('upgrade', (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  context = await browser.newContext();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await endpoint?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const until = async (check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition') => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
};

const isLeader = (page: Page) =>
  page.evaluate(() => (window as never as { rk: { transport: { leader: boolean } } }).rk.transport.leader);
const received = (page: Page) =>
  page.evaluate(() => [...(window as never as { rk: { received: number[] } }).rk.received]);
const ready = (page: Page) => page.evaluate(() => (window as never as { rk: { ready(): boolean } }).rk.ready());

async function leaderOf(pages: Page[]): Promise<Page[]> {
  const flags = await Promise.all(pages.map(isLeader));
  return pages.filter((_, i) => flags[i]);
}

describe('shareAcrossTabs in Chromium', () => {
  it('shares one connection between 5 tabs, hands it over within a second when the leader closes or freezes, and every tab sees every message exactly once', async () => {
    const pages: Page[] = [];
    for (let i = 0; i < TABS; i++) {
      const page = await context.newPage();
      await page.goto(base);
      pages.push(page);
    }
    await until(async () => (await Promise.all(pages.map(ready))).every(Boolean), 15_000, 'every tab subscribed');
    expect(endpoint.clients).toBe(1);
    expect(await leaderOf(pages)).toHaveLength(1);
    // One user, one connection: one member.
    expect(endpoint.hub.presence('room')).toMatchObject([{ userId: 'ada', connections: 1 }]);

    let published = 0;
    const publish = async (count: number) => {
      for (let i = 0; i < count; i++) {
        published += 1;
        await endpoint.publish('room', 'm', published);
      }
    };
    await publish(10);
    const everything = () => Array.from({ length: published }, (_, i) => i + 1);
    await until(
      async () => (await Promise.all(pages.map(received))).every((seqs) => seqs.length === published),
      10_000,
      'first messages',
    );

    // Close the leader while messages keep coming.
    const [first] = await leaderOf(pages);
    const rest = pages.filter((page) => page !== first);
    const pump = setInterval(() => void publish(1), 20);
    const closedAt = Date.now();
    await first!.close();
    await until(
      async () => (await leaderOf(rest)).length === 1 && (await Promise.all(rest.map(ready))).every(Boolean),
      5000,
      'a new leader',
    );
    const handover = Date.now() - closedAt;
    await new Promise((resolve) => setTimeout(resolve, 200));
    clearInterval(pump);
    await publish(3);
    await until(
      async () => (await Promise.all(rest.map(received))).every((seqs) => seqs.length === published),
      10_000,
      'every message after the handover',
    );
    for (const seqs of await Promise.all(rest.map(received))) expect(seqs).toEqual(everything());
    expect(handover).toBeLessThan(1000);
    await until(() => endpoint.clients === 1, 5000, 'the old connection to go');

    // Freeze the new leader. Headless Chromium never freezes a visible page (Page.setWebLifecycleState 'frozen' is
    // a no-op for one, and headless pages are always visible), so the page gets the event Chrome fires before it
    // freezes a page, and the rest — the Web Locks release, the handover — is real.
    const [second] = await leaderOf(rest);
    const frozenAt = Date.now();
    await second!.evaluate(() => document.dispatchEvent(new Event('freeze')));
    const others = rest.filter((page) => page !== second);
    await until(
      async () => (await leaderOf(others)).length === 1 && (await Promise.all(others.map(ready))).every(Boolean),
      5000,
      'a leader after the freeze',
    );
    expect(Date.now() - frozenAt).toBeLessThan(1000);
    await publish(5);
    await second!.evaluate(() => document.dispatchEvent(new Event('resume')));
    await until(
      async () => (await Promise.all(rest.map(received))).every((seqs) => seqs.length === published),
      10_000,
      'every message after the freeze',
    );
    for (const seqs of await Promise.all(rest.map(received))) expect(seqs).toEqual(everything());
    expect(await leaderOf(rest)).toHaveLength(1);
    await until(() => endpoint.clients === 1, 5000, 'one connection after the freeze');
    expect(endpoint.hub.presence('room')).toMatchObject([{ userId: 'ada', connections: 1 }]);

    // A 20 KB document crosses the wire compressed (permessage-deflate, the endpoint's own frames) and every tab
    // reads it intact.
    const doc = {
      rows: Array.from({ length: 200 }, (_, i) => ({
        id: i,
        name: `row ${i}`,
        status: i % 3 ? 'ok' : 'late',
        value: i * 7,
      })),
    };
    published += 1;
    await endpoint.publish('room', 'document', doc);
    const documents = (page: Page) =>
      page.evaluate(() => [...(window as never as { rk: { documents: string[] } }).rk.documents]);
    await until(
      async () => (await Promise.all(rest.map(documents))).every((list) => list.length === 1),
      10_000,
      'the compressed document',
    );
    for (const list of await Promise.all(rest.map(documents))) expect(list).toEqual([JSON.stringify(doc)]);
  }, 90_000);
});
