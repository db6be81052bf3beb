/**
 * The collaborative-rich-text item in real Chromium, through its docs demo, against a real server on 127.0.0.1 (an
 * http server with the realtime WebSocket endpoint, memory broker). Two pages, each its own browser context (two
 * people), type in window A of the demo.
 *
 * Checked, through what the users see: each sees the other's text, and the other's caret labelled with their name;
 * one page goes offline (`context.setOffline`), both keep editing, it comes back, and both converge on the same
 * document with everyone's edits. Screenshots land in .reports/collaborative-rich-text/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { createRealtime, createWebSocketEndpoint, type Realtime, type WebSocketEndpoint } from '@realtime-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage } from './lib/page-bundle.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const reportDir = path.join(here, '.reports', 'collaborative-rich-text');

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Collaborative rich text</title><link rel="stylesheet" href="/app.css"></head>
<body class="bg-background text-foreground antialiased"><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;

let realtime: Realtime;
let endpoint: WebSocketEndpoint;
let server: Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(reportDir, { recursive: true });
  const bundle = await buildPage(path.join(here, 'pages', 'collaborative-rich-text.tsx'), HTML);
  realtime = await createRealtime({ redis: false });
  server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const send = (type: string, body: string) =>
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
    if (pathname === '/') return send('text/html', HTML);
    if (pathname === '/app.js') return send('text/javascript', bundle.js);
    if (pathname === '/app.css') return send('text/css', bundle.css);
    res.writeHead(pathname === '/favicon.ico' ? 204 : 404).end();
  });
  endpoint = createWebSocketEndpoint({ server, path: '/realtime', realtime });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
}, 60_000);

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
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Person {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Their guest name, as their own people list shows it. */
  name: string;
}

const windowA = (page: Page) => page.getByRole('region', { name: 'Window A' });
const editorA = (page: Page) => windowA(page).getByRole('textbox', { name: 'Shared document, Window A' });
/** The document's text as Tiptap holds it (the element's text would include the carets' name tags). */
const textOf = (page: Page) =>
  editorA(page).evaluate((element) => (element as HTMLElement & { editor: { getText(): string } }).editor.getText());
const statusOf = (page: Page) =>
  windowA(page).locator('[data-slot="collaborative-rich-text-status"]').getAttribute('data-state');
const caretNames = (page: Page) =>
  windowA(page).locator('[data-slot="collaborative-rich-text-caret-label"]').allInnerTexts();

async function open(): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error.stack ?? error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  await page.goto(base);
  await until(
    'the editor',
    async () => (await editorA(page).getAttribute('contenteditable')) === 'true',
    15_000,
    errors,
  );
  await until('saved', async () => (await statusOf(page)) === 'saved', 15_000, errors);
  const you = windowA(page).locator('[data-slot="collaborative-rich-text-person"]', { hasText: '(you)' });
  const name = (await you.locator('span.truncate').innerText()).trim();
  return { context, page, errors, name };
}

/** Puts the caret at the end of the document's text and types there, as a person would. */
async function typeAtEnd(person: Person, text: string) {
  await editorA(person.page).click();
  await person.page.keyboard.press('Control+End');
  await person.page.keyboard.type(text, { delay: 15 });
}

describe('collaborative-rich-text in Chromium', () => {
  it('shows each person the other’s text and named caret, and merges edits made offline', async () => {
    const ada = await open();
    const grace = await open();
    try {
      await typeAtEnd(ada, ' Ada was here.');
      await until(
        'Grace sees Ada’s text',
        async () => (await textOf(grace.page)).includes('Ada was here.'),
        10_000,
        grace.errors,
      );
      await until(
        'Grace sees Ada’s caret',
        async () => (await caretNames(grace.page)).includes(ada.name),
        10_000,
        grace.errors,
      );

      await typeAtEnd(grace, ' Grace too.');
      await until(
        'Ada sees Grace’s text',
        async () => (await textOf(ada.page)).includes('Grace too.'),
        10_000,
        ada.errors,
      );
      await until(
        'Ada sees Grace’s caret',
        async () => (await caretNames(ada.page)).includes(grace.name),
        10_000,
        ada.errors,
      );
      await ada.page.screenshot({ path: path.join(reportDir, '1-ada-sees-grace.png') });

      // Grace's device goes offline; both keep editing.
      await grace.context.setOffline(true);
      await until(
        'Grace offline',
        async () => (await statusOf(grace.page))?.startsWith('offline') === true,
        10_000,
        grace.errors,
      );
      await typeAtEnd(grace, ' Offline line.');
      await until(
        'Grace’s unsent edits',
        async () => (await statusOf(grace.page)) === 'offline-unsent',
        5_000,
        grace.errors,
      );
      await typeAtEnd(ada, ' Online line.');
      await grace.page.screenshot({ path: path.join(reportDir, '2-grace-offline.png') });
      expect(await textOf(ada.page)).not.toContain('Offline line.');
      expect(await textOf(grace.page)).not.toContain('Online line.');

      await grace.context.setOffline(false);
      const converged = async () => {
        const [a, g] = await Promise.all([textOf(ada.page), textOf(grace.page)]);
        return a === g && a.includes('Offline line.') && a.includes('Online line.');
      };
      await until('both documents converge', converged, 20_000, [...ada.errors, ...grace.errors]);
      await until('Grace saved', async () => (await statusOf(grace.page)) === 'saved', 10_000, grace.errors);
      await ada.page.screenshot({ path: path.join(reportDir, '3-converged.png') });
      // The same screen in the dark theme (shadcn's `.dark`), for a look at contrast.
      await ada.page.evaluate(() => document.documentElement.classList.add('dark'));
      await ada.page.waitForTimeout(400); // past the colour transitions
      await ada.page.screenshot({ path: path.join(reportDir, '4-converged-dark.png') });
      expect(ada.errors).toEqual([]);
      expect(grace.errors).toEqual([]);
    } finally {
      await ada.context.close();
      await grace.context.close();
    }
  }, 60_000);
});
