/**
 * The tic-tac-toe block in real Chromium, two pages against a real server on 127.0.0.1: createRealtime with the
 * game's reducer registered (`sharedState: { 'tictactoe:': ticTacToe }`, as the docs demo's server does) and the
 * WebSocket endpoint authenticating each page's guest id.
 *
 * Checked, through what the players see: both take seats and play to a win; an out-of-turn click is refused with
 * the reducer's message and leaves the board as it was; one page reloads mid-game and the game continues from the
 * server's state. Screenshots land in .reports/tic-tac-toe/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createRealtime, createWebSocketEndpoint, type Realtime, type WebSocketEndpoint } from '@realtime-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticTacToe } from '../../registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game.ts';
import { buildPage } from './lib/page-bundle.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const reportDir = path.join(here, '.reports', 'tic-tac-toe');

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tic-tac-toe</title><link rel="stylesheet" href="/app.css"></head>
<body class="bg-background text-foreground antialiased"><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;

let realtime: Realtime;
let endpoint: WebSocketEndpoint;
let server: Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(reportDir, { recursive: true });
  const bundle = await buildPage(path.join(here, 'pages', 'tic-tac-toe.tsx'), HTML);
  realtime = await createRealtime({ redis: false, sharedState: { 'tictactoe:': ticTacToe } });
  server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const send = (type: string, body: string) =>
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
    if (pathname === '/') return send('text/html', HTML);
    if (pathname === '/app.js') return send('text/javascript', bundle.js);
    if (pathname === '/app.css') return send('text/css', bundle.css);
    res.writeHead(pathname === '/favicon.ico' ? 204 : 404).end();
  });
  endpoint = createWebSocketEndpoint({
    server,
    path: '/realtime',
    realtime,
    authenticate: (token) => (token && /^guest-[a-z0-9]+$/.test(token) ? { userId: token } : null),
  });
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

const status = (page: Page) => page.locator('[data-slot="tic-tac-toe-status"]');
const refusal = (page: Page) => page.locator('[data-slot="tic-tac-toe-refusal"]');
const square = (page: Page, row: number, column: number) =>
  page.getByRole('button', { name: new RegExp(`^Row ${row}, column ${column},`) });

async function open(user: string, name: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 560, height: 760 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(String(error.stack ?? error)));
  await page.goto(`${base}/?user=${user}&name=${encodeURIComponent(name)}`);
  return page;
}

describe('the tic-tac-toe block in Chromium', () => {
  it('two pages play to a win; out of turn is refused; a reload mid-game continues from the server', async () => {
    const errors: string[] = [];
    const ada = await open('guest-ada', 'Ada', errors);
    const bob = await open('guest-bob', 'Bob', errors);
    const timeout = { timeout: 10_000 };

    await ada.getByRole('button', { name: 'Play X' }).click(timeout);
    await bob.getByRole('button', { name: 'Play O' }).click(timeout);
    await expect.poll(() => status(ada).textContent(), timeout).toBe('Your turn');
    await expect.poll(() => status(bob).textContent(), timeout).toBe('Ada’s turn');

    // Out of turn: refused with the reducer's message, nothing placed.
    await square(bob, 2, 2).click();
    await expect.poll(() => refusal(bob).textContent(), timeout).toBe("It is X's turn");
    await expect(square(bob, 2, 2).getAttribute('aria-label')).resolves.toBe('Row 2, column 2, empty');

    await square(ada, 1, 1).click();
    await expect.poll(() => status(bob).textContent(), timeout).toBe('Your turn');
    await square(bob, 2, 1).click();
    await expect.poll(() => status(ada).textContent(), timeout).toBe('Your turn');

    // Ada reloads mid-game: the board, the seat and the turn come back from the server's state.
    await ada.reload();
    await expect.poll(() => square(ada, 2, 1).getAttribute('aria-label'), timeout).toBe('Row 2, column 1, O');
    await expect.poll(() => status(ada).textContent(), timeout).toBe('Your turn');
    await expect(square(ada, 1, 1).getAttribute('aria-label')).resolves.toBe('Row 1, column 1, X');

    await square(ada, 1, 2).click();
    await expect.poll(() => status(bob).textContent(), timeout).toBe('Your turn');
    await square(bob, 2, 2).click();
    await expect.poll(() => status(ada).textContent(), timeout).toBe('Your turn');
    await square(ada, 1, 3).click();

    await expect.poll(() => status(ada).textContent(), timeout).toBe('You win');
    await expect.poll(() => status(bob).textContent(), timeout).toBe('You lose');
    await expect(ada.locator('[data-winning="true"]').count()).resolves.toBe(3);
    await ada.screenshot({ path: path.join(reportDir, 'win.png') });
    await bob.screenshot({ path: path.join(reportDir, 'lose.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
