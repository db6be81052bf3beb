/**
 * Two users on two server instances, in real Chromium: a redis-server on a loopback port, instances A and B (each
 * an http server with `createRealtime({ redis })` and the WebSocket endpoint), and one page per user — Ada's from
 * A, connected to A; Bob's from B, connected to B — rendering the registry's presence-avatars and
 * typing-indicator (pages/presence-room.tsx, bundled by lib/page-bundle.ts).
 *
 * Checked, through what each user sees (roles and accessible names): each sees the other's avatar; Ada typing on
 * A shows "Ada Lovelace is typing…" to Bob on B, gone when she goes quiet (the typing timeout) and at once when she
 * sends (the stop signal); Bob closing his tab removes him from Ada's avatars (after the client's grace period)
 * and is announced. Screenshots land in .reports/presence-instances/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage } from './lib/page-bundle.ts';
import { startInstance, type RealtimeInstance } from './lib/realtime-instance.ts';
import { startRedis, type TestRedis } from './lib/redis-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const reportDir = path.join(here, '.reports', 'presence-instances');
const ROOM = 'room:lobby';
/** The client keeps a member who left listed this long (the default `presenceGraceMs`). */
const PRESENCE_GRACE_MS = 3000;
/** Receivers drop a typist this long after their last signal (`DEFAULT_TYPING_TIMEOUT_MS`). */
const TYPING_TIMEOUT_MS = 5000;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lobby</title><link rel="stylesheet" href="/app.css"></head>
<body class="bg-background text-foreground antialiased"><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;

const ada = { id: 'ada', name: 'Ada Lovelace' };
const bob = { id: 'bob', name: 'Bob Kahn' };

/** What a page did, for assertions and for the message of a timeout. */
interface PageLog {
  readonly label: string;
  readonly sockets: string[];
  readonly errors: string[];
  readonly console: string[];
  readonly frames: string[];
}

let redis: TestRedis | undefined;
let instanceA: RealtimeInstance | undefined;
let instanceB: RealtimeInstance | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(reportDir, { recursive: true });
  const [bundle, started] = await Promise.all([
    buildPage(path.join(here, 'pages', 'presence-room.tsx'), HTML),
    startRedis(),
  ]);
  redis = started;
  const page = { html: HTML, js: bundle.js, css: bundle.css };
  [instanceA, instanceB] = await Promise.all([
    startInstance({ redisUrl: redis.url, page }),
    startInstance({ redisUrl: redis.url, page }),
  ]);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
}, 30_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await Promise.all([instanceA?.close(), instanceB?.close()]);
  await redis?.stop();
}, 20_000);

async function openAs(
  user: { id: string; name: string },
  instance: RealtimeInstance,
): Promise<{ page: Page; log: PageLog }> {
  // One context per user: separate profiles, as two people on two machines.
  const context = await browser!.newContext({
    viewport: { width: 520, height: 220 },
    deviceScaleFactor: 2,
    locale: 'en-US',
  });
  contexts.push(context);
  const page = await context.newPage();
  const log: PageLog = { label: `${user.id}@${instance.port}`, sockets: [], errors: [], console: [], frames: [] };
  const keep = (list: string[], line: string) => {
    list.push(line);
    if (list.length > 40) list.shift();
  };
  page.on('pageerror', (error) => log.errors.push(String(error.stack ?? error)));
  page.on('console', (message) => {
    keep(log.console, `${message.type()}: ${message.text()}`);
    if (message.type() === 'error') log.errors.push(`console.error: ${message.text()}`);
  });
  page.on('websocket', (socket) => {
    log.sockets.push(socket.url());
    socket.on('framesent', (frame) => keep(log.frames, `→ ${String(frame.payload).slice(0, 300)}`));
    socket.on('framereceived', (frame) => keep(log.frames, `← ${String(frame.payload).slice(0, 300)}`));
    socket.on('close', () => keep(log.frames, '× closed'));
  });
  await page.goto(
    `${instance.origin}/?user=${user.id}&name=${encodeURIComponent(user.name)}&room=${encodeURIComponent(ROOM)}`,
  );
  return { page, log };
}

function describeLogs(logs: PageLog[]): string {
  return logs
    .map((log) =>
      [
        `--- ${log.label}: sockets ${JSON.stringify(log.sockets)}`,
        `errors: ${log.errors.length === 0 ? 'none' : `\n  ${log.errors.join('\n  ')}`}`,
        `console (last ${log.console.length}):\n  ${log.console.join('\n  ')}`,
        `frames (last ${log.frames.length}):\n  ${log.frames.join('\n  ')}`,
      ].join('\n'),
    )
    .join('\n');
}

/** Polls until `check` holds; on timeout, fails with `what` and everything the pages logged. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, logs: PageLog[]): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describeLogs(logs)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

const shows = (locator: Locator) => async () => (await locator.count()) === 1 && (await locator.isVisible());
const gone = (locator: Locator) => async () => (await locator.count()) === 0;
const hasText = (locator: Locator, text: string) => async () => ((await locator.textContent()) ?? '') === text;
/** Each page's avatars: a list named "N people here" of images named after each person. */
const avatars = (page: Page) => page.getByRole('list', { name: /^\d+ (people|person) here$/ });
/** The avatar whose accessible name is exactly `label` ("Bob Kahn", "Ada Lovelace (you)", "Bob Kahn, away"). */
const avatar = (page: Page, label: string) => avatars(page).getByRole('img', { name: label, exact: true });
/** Someone's avatar in any status: "Bob Kahn", "Bob Kahn, idle", "Bob Kahn, away". */
const anyAvatarOf = (page: Page, name: string) =>
  avatars(page).getByRole('img', { name: new RegExp(`^${name}(, (idle|away))?$`) });
const typingStatus = (page: Page) => page.locator('[data-slot="typing-indicator"]').getByRole('status');
const presenceAnnouncer = (page: Page) => page.locator('[data-slot="presence-avatars"]').getByRole('status');

describe('presence and typing across two server instances over Redis', () => {
  it('shows each user to the other, relays typing both ways of stopping, and drops a user who closed the tab', async () => {
    const a = instanceA!;
    const b = instanceB!;
    expect(a.realtime.distributed && b.realtime.distributed).toBe(true);

    const one = await openAs(ada, a);
    const two = await openAs(bob, b);
    const logs = [one.log, two.log];

    // Each sees themselves and the other.
    await until('Ada to see herself on A', shows(avatar(one.page, `${ada.name} (you)`)), 5000, logs);
    await until('Bob to see himself on B', shows(avatar(two.page, `${bob.name} (you)`)), 5000, logs);
    const seen = await until(
      'each to see the other',
      async () => (await shows(avatar(one.page, bob.name))()) && (await shows(avatar(two.page, ada.name))()),
      5000,
      logs,
    );
    await expect(one.page.getByRole('list', { name: '2 people here' }).isVisible()).resolves.toBe(true);
    await expect(two.page.getByRole('list', { name: '2 people here' }).isVisible()).resolves.toBe(true);

    // Really two instances: each page's one socket went to the instance that served it.
    expect(one.log.sockets).toHaveLength(1);
    expect(two.log.sockets).toHaveLength(1);
    expect(new URL(one.log.sockets[0]!).port).toBe(String(a.port));
    expect(new URL(two.log.sockets[0]!).port).toBe(String(b.port));
    expect([a.endpoint.clients, b.endpoint.clients]).toEqual([1, 1]);

    // What each user sees, once both are shown.
    await one.page.screenshot({ path: path.join(reportDir, '1-ada-on-a.png') });
    await two.page.screenshot({ path: path.join(reportDir, '2-bob-on-b.png') });

    // Ada types on A: Bob sees it on B; Ada does not see herself typing.
    const input = one.page.getByRole('textbox', { name: 'Message' });
    await input.pressSequentially('Hello Bob', { delay: 30 });
    const typedAt = Date.now();
    const shownIn = await until(
      '"Ada Lovelace is typing…" on B',
      hasText(typingStatus(two.page), `${ada.name} is typing…`),
      3000,
      logs,
    );
    await expect(typingStatus(two.page).getAttribute('aria-live')).resolves.toBe('polite');
    await expect(typingStatus(one.page).textContent()).resolves.toBe('');
    await two.page.screenshot({ path: path.join(reportDir, '3-bob-sees-ada-typing.png') });

    // She goes quiet (text still in the field): B drops her on the typing timeout (5 s after her one signal), not at once.
    await until(
      'the indicator on B to clear after Ada went quiet',
      hasText(typingStatus(two.page), ''),
      TYPING_TIMEOUT_MS + 3000,
      logs,
    );
    const quietAfter = Date.now() - typedAt;
    expect(quietAfter).toBeGreaterThan(TYPING_TIMEOUT_MS - 2500);

    // She types again and sends: the stop signal crosses over at once, well before any timeout.
    await input.pressSequentially(' again', { delay: 30 });
    await until(
      '"Ada Lovelace is typing…" on B again',
      hasText(typingStatus(two.page), `${ada.name} is typing…`),
      3000,
      logs,
    );
    await input.press('Enter');
    await expect(input.inputValue()).resolves.toBe('');
    const stoppedIn = await until(
      'the indicator on B to clear after Ada sent',
      hasText(typingStatus(two.page), ''),
      2000,
      logs,
    );

    // Bob closes his tab. His hidden tab may first tell the others he is away (usePresence's activity tracking);
    // once his socket is gone, Ada's avatars keep him through the client's grace period, then drop him, and say so.
    const closedAt = Date.now();
    await two.page.close();
    let awayShown = false;
    await until(
      'Bob to leave Ada’s avatars',
      async () => {
        awayShown ||= (await avatar(one.page, `${bob.name}, away`).count()) === 1;
        return gone(anyAvatarOf(one.page, bob.name))();
      },
      PRESENCE_GRACE_MS + 5000,
      logs,
    );
    const leftAfter = Date.now() - closedAt;
    expect(leftAfter).toBeGreaterThanOrEqual(PRESENCE_GRACE_MS - 500);
    await expect(one.page.getByRole('list', { name: '1 person here' }).isVisible()).resolves.toBe(true);
    await expect(avatar(one.page, `${ada.name} (you)`).isVisible()).resolves.toBe(true);
    await until(
      '"Bob Kahn left" to be announced on A',
      hasText(presenceAnnouncer(one.page), `${bob.name} left`),
      4000,
      logs,
    );
    expect(b.endpoint.clients).toBe(0);
    await one.page.screenshot({ path: path.join(reportDir, '4-ada-after-bob-left.png') });

    // Nothing went wrong on the way: no uncaught errors, no console errors.
    expect(one.log.errors, describeLogs(logs)).toEqual([]);
    expect(two.log.errors, describeLogs(logs)).toEqual([]);
    console.info(
      `[presence-instances] other user shown after ${seen} ms; typing shown on B ${shownIn} ms after the keys, cleared ` +
        `${quietAfter} ms after going quiet, ${stoppedIn} ms after sending; ` +
        `Bob gone from A ${leftAfter} ms after closing (grace ${PRESENCE_GRACE_MS} ms; shown away meanwhile: ${awayShown})`,
    );
  }, 60_000);
});
