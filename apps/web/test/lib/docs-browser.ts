// The built docs app served the way server.mjs serves it (Next.js + the realtime endpoint the demos use, on one
// loopback port), and headless Chromium to read it. Needs `next build` first (turbo runs web#build before web#test).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createNextServer, getRealtime, type NextServer } from '@realtime-kit/server';
import next from 'next';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright';

import { demoRealtimeOptions } from '../../lib/demo-tic-tac-toe';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = path.resolve(import.meta.dirname, '..', '..');
/** Where the walk leaves its screenshots, for a person to look at (ignored by git, kept by CI as a report). */
export const SCREENSHOTS = path.join(dir, '.reports', 'screenshots');

export interface DocsBrowser {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startDocsBrowser(): Promise<DocsBrowser> {
  if (!existsSync(path.join(dir, '.next', 'BUILD_ID')))
    throw new Error('apps/web is not built: run `pnpm --filter web build` first.');
  mkdirSync(SCREENSHOTS, { recursive: true });
  const running: NextServer = await createNextServer({
    app: next({ dev: false, dir }),
    realtime: await getRealtime(demoRealtimeOptions),
    port: 0,
    hostname: '127.0.0.1',
    websocket: { path: '/realtime' },
    shutdown: false,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  return {
    base: `http://127.0.0.1:${running.port}`,
    browser,
    async close() {
      await browser.close();
      await running.close();
      await running.realtime.close();
    },
  };
}

/** A fresh page in its own context, with every console error and uncaught exception collected. */
export async function openPage(docs: DocsBrowser, options: BrowserContextOptions = {}) {
  const context = await docs.browser.newContext({ baseURL: docs.base, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  return { page, errors, close: () => context.close() };
}

/** Waits until React has hydrated the header (the theme toggle reflects the saved preference only then). */
export async function waitForHydration(page: Page) {
  await page.locator('[data-slot="theme-toggle"] [aria-pressed="true"]').waitFor({ timeout: 20_000 });
}

/**
 * Waits until React has hydrated this element: parts of a page hydrate at different times (Suspense boundaries),
 * and a key pressed on a control that is not hydrated yet does nothing. React keeps its props on hydrated nodes.
 */
export async function waitForHydrated(element: Locator) {
  await element.waitFor();
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await element.evaluate((node) => Object.keys(node).some((key) => key.startsWith('__reactProps')))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The element was not hydrated within 20 s.');
}
