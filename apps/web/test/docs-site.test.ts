// The docs site in real Chromium: every page at phone and desktop width (no horizontal overflow, no console
// errors), screenshots to look at, and the interactive pieces (copy, theme, tabs, ⌘K search) driven by keyboard.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { itemDocs } from '../lib/docs';
import { THEME_STORAGE_KEY } from '../lib/theme';
import {
  openPage,
  SCREENSHOTS,
  startDocsBrowser,
  waitForHydrated,
  waitForHydration,
  type DocsBrowser,
} from './lib/docs-browser';

let docs: DocsBrowser;
/** Every docs page the home page links to, then the home page itself. */
let pages: string[];

beforeAll(async () => {
  docs = await startDocsBrowser();
  const home = await openPage(docs);
  await home.page.goto('/');
  const links = await home.page
    .locator('main a[href^="/docs/"]')
    .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')!));
  await home.close();
  pages = ['/', ...new Set(links)];
});

afterAll(async () => {
  await docs?.close();
});

/** A page's file name in the screenshots folder. */
const shotName = (url: string, variant: string) =>
  path.join(SCREENSHOTS, `${url === '/' ? 'home' : url.replace('/docs/', '')}-${variant}.png`);

const SCREENSHOTTED = new Set(['/', '/docs/chat-room']);

describe('the docs site in Chromium', () => {
  it('links every documented item from the home page', () => {
    expect(pages.slice(1).sort()).toEqual(
      Object.keys(itemDocs)
        .map((name) => `/docs/${name}`)
        .sort(),
    );
  });

  for (const [width, scheme] of [
    [375, 'light'],
    [1280, 'dark'],
  ] as const) {
    // About 4 s a page on a busy 2-core machine, for ~30 pages.
    it(
      `renders every page at ${width} px (${scheme}) without horizontal overflow or console errors`,
      { timeout: 600_000 },
      async () => {
        const problems: string[] = [];
        for (const url of pages) {
          const { page, errors, close } = await openPage(docs, {
            viewport: { width, height: 900 },
            colorScheme: scheme,
          });
          try {
            await page.goto(url);
            await waitForHydration(page);
            // Demos fill in after their first messages; give them a moment before measuring.
            await page.waitForTimeout(400);
            const { scrollWidth, dark } = await page.evaluate(() => ({
              scrollWidth: document.documentElement.scrollWidth,
              dark: document.documentElement.classList.contains('dark'),
            }));
            if (scrollWidth > width) problems.push(`${url}: scrollWidth ${scrollWidth} > ${width}`);
            if (dark !== (scheme === 'dark')) problems.push(`${url}: .dark is ${dark} in a ${scheme} system theme`);
            if (SCREENSHOTTED.has(url))
              await page.screenshot({ path: shotName(url, `${width}-${scheme}`), fullPage: true });
            problems.push(...errors);
          } finally {
            await close();
          }
        }
        expect(problems).toEqual([]);
      },
    );
  }

  it('screenshots the home page and an item page in the other theme at both widths', { timeout: 300_000 }, async () => {
    for (const [width, scheme] of [
      [375, 'dark'],
      [1280, 'light'],
    ] as const) {
      for (const url of SCREENSHOTTED) {
        const { page, close } = await openPage(docs, { viewport: { width, height: 900 }, colorScheme: scheme });
        await page.goto(url);
        await waitForHydration(page);
        await page.waitForTimeout(400);
        await page.screenshot({ path: shotName(url, `${width}-${scheme}`), fullPage: true });
        await close();
      }
    }
  });
});

describe('copy buttons', () => {
  it('copies the install command and a code block from the keyboard, and announces "Copied"', async () => {
    const { page, errors, close } = await openPage(docs, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      await page.goto('/docs/connection-dot');
      await waitForHydration(page);
      const install = page.getByRole('button', { name: 'Copy install command' });
      await waitForHydrated(install);
      await install.focus();
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()))
        .toBe(`pnpm dlx shadcn@latest add http://localhost:3000/r/connection-dot.json`);
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Copied' }).count()).toBe(1);

      const usage = page.getByRole('button', { name: 'Copy Usage' });
      await waitForHydrated(usage);
      await usage.focus();
      await page.keyboard.press('Space');
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()))
        .toBe(itemDocs['connection-dot']!.usage);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('theme toggle', () => {
  it('switches to dark, keeps it across a reload, and sets the class before any script of the app runs', async () => {
    const { page, close } = await openPage(docs, { colorScheme: 'light' });
    try {
      await page.goto('/');
      await waitForHydration(page);
      expect(await page.getAttribute('html', 'class')).not.toContain('dark');
      await page.getByRole('button', { name: 'Dark theme' }).click();
      expect(await page.getAttribute('html', 'class')).toContain('dark');
      expect(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('true');

      // No React at all: only the inline <head> script can have set the class.
      await page.route('**/_next/static/**/*.js', (route) => route.abort());
      await page.reload();
      expect(await page.getAttribute('html', 'class')).toContain('dark');
      expect(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('false');
      await page.unroute('**/_next/static/**/*.js');

      await page.reload();
      await waitForHydration(page);
      expect(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('true');

      // System follows the OS, live.
      await page.getByRole('button', { name: 'System theme' }).click();
      expect(await page.getAttribute('html', 'class')).not.toContain('dark');
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(() => page.getAttribute('html', 'class')).toContain('dark');
      expect(await page.evaluate((key) => localStorage.getItem(key), THEME_STORAGE_KEY)).toBeNull();
    } finally {
      await close();
    }
  });
});

describe('tabs', () => {
  it('moves between Preview and Code, and between package managers, with the arrow keys', async () => {
    const { page, errors, close } = await openPage(docs);
    try {
      await page.goto('/docs/connection-dot');
      await waitForHydration(page);
      const preview = page.getByRole('tab', { name: 'Preview' });
      const code = page.getByRole('tab', { name: 'Code' });
      const selected = (tab: typeof preview) => tab.getAttribute('aria-selected');
      expect(await selected(preview), 'Preview is the first tab shown').toBe('true');
      await waitForHydrated(preview);
      await preview.focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => selected(code), { message: 'ArrowRight selects Code' }).toBe('true');
      const panel = page.getByRole('tabpanel', { name: 'Code' });
      await expect.poll(() => panel.locator('pre.shiki').count()).toBeGreaterThan(0);
      expect(await panel.locator('figcaption').first().textContent()).toBe('ui/connection-dot.tsx');
      // Highlighted for both themes: each token carries the light and the dark colour.
      expect(await panel.locator('pre.shiki span[style*="--shiki-dark"]').count()).toBeGreaterThan(10);
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => selected(preview), { message: 'ArrowLeft selects Preview again' }).toBe('true');

      const pnpm = page.getByRole('tab', { name: 'pnpm' });
      const npm = page.getByRole('tab', { name: 'npm', exact: true });
      await waitForHydrated(pnpm);
      await pnpm.focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => selected(npm), { message: 'ArrowRight selects npm' }).toBe('true');
      expect(await page.getByRole('tabpanel', { name: 'npm', exact: true }).textContent()).toContain(
        'npx shadcn@latest add http://localhost:3000/r/connection-dot.json',
      );
      await page.keyboard.press('End');
      await expect
        .poll(() => selected(page.getByRole('tab', { name: 'bun' })), { message: 'End selects bun' })
        .toBe('true');
      expect(await page.getByRole('tabpanel', { name: 'bun' }).textContent()).toContain('bunx --bun shadcn@latest add');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('search', () => {
  it('opens with ⌘K, Ctrl+K and /, filters as you type, moves with the arrows, and Enter navigates', async () => {
    const { page, errors, close } = await openPage(docs);
    try {
      await page.goto('/');
      await waitForHydration(page);
      const dialog = page.getByRole('dialog', { name: 'Search docs' });
      const input = page.getByRole('combobox', { name: 'Search docs' });

      await page.keyboard.press('Meta+K');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await input.evaluate((element) => element === document.activeElement)).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);

      // Esc gives focus back to what had it.
      const trigger = page.getByRole('button', { name: 'Search docs…' });
      await trigger.focus();
      await page.keyboard.press('Control+K');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await page.keyboard.press('Escape');
      expect(await trigger.evaluate((element) => element === document.activeElement)).toBe(true);

      await page.locator('body').click({ position: { x: 5, y: 300 } });
      await page.keyboard.press('/');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await input.inputValue()).toBe('');
      await input.pressSequentially('typing');
      const options = page.getByRole('option');
      await expect.poll(() => options.first().textContent()).toContain('Typing indicator');
      const matches = await options.allTextContents();
      expect(matches.every((text) => /typing/i.test(text))).toBe(true);

      // A heading of a page: "Keyboard and screen readers" of the chat room.
      await input.fill('chat room keyboard');
      await expect.poll(() => options.count()).toBe(1);
      await input.fill('chat room');
      await expect.poll(() => options.count()).toBeGreaterThan(1);
      await page.keyboard.press('ArrowDown');
      const second = options.nth(1);
      expect(await second.getAttribute('aria-selected')).toBe('true');
      expect(await input.getAttribute('aria-activedescendant')).toBe(await second.getAttribute('id'));
      await page.keyboard.press('ArrowUp');
      expect(await options.first().textContent()).toContain('Chat room');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/docs/chat-room');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Chat room');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
