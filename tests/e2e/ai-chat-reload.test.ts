/**
 * The ai-chat block in real Chromium, against a real server on 127.0.0.1: an http server with the realtime WebSocket
 * endpoint (memory broker) and the docs demo's chat route (apps/web/lib/demo-ai-chat.ts: the AI SDK's `streamText`
 * over its mock model, at its real pace of 40 words a second), serving pages/ai-chat.tsx (the block, `useChat` from
 * @ai-sdk/react over `useRealtimeChatTransport`, `resume: true`).
 *
 * Checked, through what the user sees: a question asked, the page reloaded mid-answer, and after the reload the
 * answer picks up and ends as exactly the model's text (no word repeated or missing), once; Stop stops the answer on
 * screen and the model's abort signal fires (within 500 ms), with nothing left running on the server. Screenshots
 * land in .reports/ai-chat/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createRealtime, createWebSocketEndpoint, type Realtime, type WebSocketEndpoint } from '@realtime-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoChatModel, demoReply, handleDemoChat } from '../../apps/web/lib/demo-ai-chat.ts';
import { buildPage } from './lib/page-bundle.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const reportDir = path.join(here, '.reports', 'ai-chat');

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI chat</title><link rel="stylesheet" href="/app.css"></head>
<body class="bg-background text-foreground antialiased"><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;

let realtime: Realtime;
let endpoint: WebSocketEndpoint;
let server: Server;
let browser: Browser;
let base: string;
/** When (Date.now()) each model call's abort signal fired. */
const abortedAt: number[] = [];
/** Every answer's generation, from POST to its compacted message (the route's `waitUntil`). */
const generations: { startedAt: number; endedAt?: number }[] = [];

/** A Fetch-API route handler on a Node request (JSON in, JSON out: the chat route streams nothing over HTTP). */
async function serveRoute(req: IncomingMessage, res: ServerResponse, handler: (request: Request) => Promise<Response>) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE';
  const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
    method: req.method,
    headers: req.headers as Record<string, string>,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
  const response = await handler(request);
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
}

beforeAll(async () => {
  mkdirSync(reportDir, { recursive: true });
  const bundle = await buildPage(path.join(here, 'pages', 'ai-chat.tsx'), HTML);
  realtime = await createRealtime({ redis: false });
  const model = demoChatModel({ onAbort: () => abortedAt.push(Date.now()) });
  const route = (request: Request) =>
    handleDemoChat(realtime, request, {
      model,
      waitUntil: (done) => {
        const generation: (typeof generations)[number] = { startedAt: Date.now() };
        generations.push(generation);
        void done.finally(() => (generation.endedAt = Date.now()));
      },
    });
  server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const send = (type: string, body: string) =>
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
    if (pathname === '/') return send('text/html', HTML);
    if (pathname === '/app.js') return send('text/javascript', bundle.js);
    if (pathname === '/app.css') return send('text/css', bundle.css);
    if (pathname === '/api/chat')
      return void serveRoute(req, res, route).catch((error: unknown) => res.writeHead(500).end(String(error)));
    if (pathname === '/favicon.ico') return void res.writeHead(204).end();
    res.writeHead(404).end('not found');
  });
  endpoint = createWebSocketEndpoint({ server, path: '/realtime', realtime });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await endpoint?.close();
  await realtime?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
}, 20_000);

/** Polls until `check` holds, or fails naming `what` and the page errors so far. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, errors: string[]) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; page errors: ${errors.join('\n') || 'none'}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const answers = (page: Page) => page.locator('[data-slot="ai-chat-message"][data-role="assistant"]');
const questions = (page: Page) => page.locator('[data-slot="ai-chat-message"][data-role="user"]');
/** The last answer's text as shown (its text parts, without the caret or the screen-reader prefix). */
const answerText = (page: Page) =>
  page.evaluate(() => {
    const all = document.querySelectorAll('[data-slot="ai-chat-message"][data-role="assistant"]');
    const last = all[all.length - 1];
    return [...(last?.querySelectorAll('[data-slot="ai-chat-text"]') ?? [])].map((el) => el.textContent).join('');
  });
const phase = (page: Page) => page.locator('[data-slot="ai-chat"]').getAttribute('data-state');
const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('the ai-chat block in Chromium', () => {
  it('resumes an answer after a reload mid-stream to exactly the model’s text, and Stop aborts the model', async () => {
    const context = await browser.newContext({ viewport: { width: 760, height: 720 }, locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error.stack ?? error)));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
    });
    await page.goto(base);

    // Ask; the answer starts streaming at the model's pace.
    const question = 'How does a reload resume the answer?';
    const expected = demoReply(question).text;
    await page.getByRole('textbox', { name: 'Message' }).fill(question);
    await page.keyboard.press('Enter');
    await until('the first 15 words', async () => wordCount(await answerText(page)) >= 15, 10_000, errors);
    const beforeReload = await answerText(page);
    expect(expected.startsWith(beforeReload)).toBe(true);
    expect(beforeReload.length).toBeLessThan(expected.length);
    await page.screenshot({ path: path.join(reportDir, '1-before-reload.png') });

    const reloadedAt = Date.now();
    await page.reload();
    // Mid-answer for real: the model was still writing when the page went away.
    expect(generations).toHaveLength(1);
    await until('the answer to resume', async () => (await answerText(page)).length > 0, 10_000, errors);
    const seenAfterReload = await phase(page);
    await page.screenshot({ path: path.join(reportDir, '2-resumed.png') });
    await until('the whole answer', async () => (await phase(page)) === 'ready', 15_000, errors);
    expect(generations[0]!.endedAt).toBeGreaterThan(reloadedAt);
    expect(['resuming', 'streaming']).toContain(seenAfterReload);

    // Exactly the model's text, once: nothing repeated, nothing missing, one question and one answer.
    expect(await answerText(page)).toBe(expected);
    await expect(answers(page).count()).resolves.toBe(1);
    await expect(questions(page).count()).resolves.toBe(1);
    await expect(questions(page).first().textContent()).resolves.toContain(question);
    await expect(page.getByRole('button', { name: 'Regenerate' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(reportDir, '3-complete.png') });

    // Stop: the words on screen stop growing and the model's abort signal fires on the server.
    await page.getByRole('textbox', { name: 'Message' }).fill('What does Stop do?');
    await page.keyboard.press('Enter');
    await until(
      'the second answer to start',
      async () => (await answers(page).count()) === 2 && wordCount(await answerText(page)) >= 10,
      10_000,
      errors,
    );
    const clickedAt = Date.now();
    await page.getByRole('button', { name: 'Stop' }).click();
    await until('the model to be aborted', async () => abortedAt.length === 1, 2000, errors);
    expect(abortedAt[0]! - clickedAt).toBeLessThan(500);
    await until('the chat to settle', async () => (await phase(page)) === 'ready', 5000, errors);
    const stoppedText = await answerText(page);
    expect(demoReply('What does Stop do?').text.startsWith(stoppedText)).toBe(true);
    expect(stoppedText.length).toBeLessThan(demoReply('What does Stop do?').text.length);
    await expect(page.getByText('Stopped', { exact: true }).isVisible()).resolves.toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await answerText(page)).toBe(stoppedText);
    await until('the generation to end', async () => generations[1]?.endedAt !== undefined, 3000, errors);
    const active = await fetch(`${base}/api/chat?chatId=e2e-chat`);
    expect(active.status).toBe(204);
    await page.screenshot({ path: path.join(reportDir, '4-stopped.png') });

    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
