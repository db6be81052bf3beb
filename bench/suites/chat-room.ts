/**
 * The chat-room block with 100k messages, in headless Chromium: first paint and scroll frame times of the registry's
 * `ChatRoom` (virtualized: its own row window, lib/chat-room-row-window.ts) against a plain list rendering every message (what a chat
 * without virtualization does), same messages and row content, same 720×600 room, production React. The page is
 * built with Vite and the repository's Tailwind setup (bench/pages/chat-room), so the room is laid out as in an app.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { chromium, type Browser } from 'playwright';
import { build, defaultClientConditions } from 'vite';
import { registryAliases } from '../../registry/aliases.js';
import { median, type BenchRow } from '../lib/result.js';

const MESSAGES = Number(process.env.CHAT_BENCH_MESSAGES ?? 100_000);
const SCROLL_MS = 3_000;
const ROUNDS = 3; // per side, interleaved
const ORIGIN = 'http://bench.local';
const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO_DIR = path.resolve(BENCH_DIR, '..');
const PAGE_DIR = path.join(BENCH_DIR, 'pages', 'chat-room');

type Mode = 'ours' | 'naive';

interface PageResult {
  readonly paintMs: number;
  /** When the newest message was first seen in the DOM (a frame before the paint). */
  readonly committedMs: number;
  readonly domNodes: number;
  readonly frames: readonly number[];
  readonly distance: number;
}

/** Builds the page into a temp dir; returns the dir and its files by URL path. */
async function buildPage(): Promise<{ dir: string; files: Map<string, { type: string; body: Buffer }> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-chat-room-'));
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    root: PAGE_DIR,
    base: '/',
    plugins: [react(), tailwindcss()],
    resolve: {
      alias: registryAliases(REPO_DIR),
      conditions: ['source', ...defaultClientConditions],
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    build: { outDir: dir, emptyOutDir: true, minify: true, reportCompressedSize: false },
  });
  const files = new Map<string, { type: string; body: Buffer }>();
  const outputs = Array.isArray(output) ? output : [output];
  for (const result of outputs) {
    if (!('output' in result)) continue;
    for (const chunk of result.output) {
      const type = chunk.fileName.endsWith('.css')
        ? 'text/css'
        : chunk.fileName.endsWith('.html')
          ? 'text/html'
          : 'text/javascript';
      files.set(`/${chunk.fileName}`, { type, body: Buffer.from(readFileSync(path.join(dir, chunk.fileName))) });
    }
  }
  if (!files.has('/index.html')) throw new Error('chat-room: the Vite build wrote no index.html');
  return { dir, files };
}

async function runPage(
  browser: Browser,
  files: Map<string, { type: string; body: Buffer }>,
  mode: Mode,
): Promise<PageResult> {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  try {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      const file = files.get(url.pathname === '/' ? '/index.html' : url.pathname);
      if (!file) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ contentType: file.type, body: file.body });
    });
    await page.goto(
      `${ORIGIN}/?${new URLSearchParams({ mode, n: String(MESSAGES), scrollMs: String(SCROLL_MS) }).toString()}`,
    );
    await page.waitForFunction(() => typeof (window as unknown as { __bench?: unknown }).__bench === 'function', null, {
      timeout: 120_000,
    });
    const result = await page.evaluate(() => (window as unknown as { __bench: () => Promise<PageResult> }).__bench());
    if (errors.length > 0) throw new Error(`chat-room: the ${mode} page threw: ${errors.join('; ')}`);
    return result;
  } finally {
    await page.close();
  }
}

const p95 = (frames: readonly number[]) => {
  const sorted = [...frames].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] as number);
};
const fps = (frames: readonly number[]) =>
  frames.length === 0 ? 0 : (1000 * frames.length) / frames.reduce((sum, ms) => sum + ms, 0);
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function describe(label: string, results: readonly PageResult[]): string {
  return (
    `${label}: first paint ${results.map((r) => fixed(r.paintMs)).join('/')} ms (in the DOM at ${results.map((r) => fixed(r.committedMs)).join('/')} ms), ${fixed(median(results.map((r) => r.domNodes)))} DOM elements, ` +
    `scroll ${fixed(median(results.map((r) => fps(r.frames))), 1)} fps (p95 frame ${fixed(median(results.map((r) => p95(r.frames))), 1)} ms, ` +
    `max ${fixed(median(results.map((r) => Math.max(...r.frames))), 1)} ms) over ${fixed(median(results.map((r) => r.distance)))} px`
  );
}

/** The machine's load (1-minute average) and core count: this suite measures wall-clock frames on shared cores. */
const load = () => `${os.loadavg()[0]?.toFixed(1) ?? 'n/a'} on ${os.cpus().length} cores`;

export async function run(): Promise<BenchRow[]> {
  const loadBefore = load();
  const { dir, files } = await buildPage();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const samples: Record<Mode, PageResult[]> = { ours: [], naive: [] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const order: Mode[] = round % 2 === 0 ? ['ours', 'naive'] : ['naive', 'ours'];
      for (const mode of order) samples[mode].push(await runPage(browser, files, mode));
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const { ours, naive } = samples;
  const speed = median(ours.map((r) => r.distance)) / (SCROLL_MS / 1000);
  const setup =
    `Headless Chromium (software rendering), ${MESSAGES.toLocaleString('en')} messages in a 720×600 room, ` +
    `production React; first paint = render() until the frame after the newest message is in the DOM; then a scroll ` +
    `towards the top at a steady ${fixed(speed)} px/s (about two room heights per frame) for ${SCROLL_MS / 1000} s ` +
    `(scrollTop set every frame); median of ${ROUNDS} interleaved rounds. Load average ${loadBefore} before the ` +
    `suite, ${load()} after it: other work shares these cores, so both sides' absolute figures move with it`;
  const detail = `${describe('ours', ours)}; ${describe('plain list', naive)}`;
  return [
    {
      measure: 'chat-room, 100k messages: first paint',
      ours: { value: median(ours.map((r) => r.paintMs)), unit: 'ms' },
      peer: { name: 'non-virtualized list', value: median(naive.map((r) => r.paintMs)), unit: 'ms' },
      target: { kind: 'value', op: '<=', value: 100 },
      note: `${setup}. ${detail}.`,
    },
    {
      measure: 'chat-room, 100k messages: scroll frame rate',
      ours: { value: median(ours.map((r) => fps(r.frames))), unit: 'fps' },
      peer: { name: 'non-virtualized list', value: median(naive.map((r) => fps(r.frames))), unit: 'fps' },
      target: { kind: 'value', op: '>=', value: 58 },
      note: `Frames per second while scrolling (60 fps = every frame on time; the goal allows 2 % of frames late). p95 frame time: ours ${fixed(median(ours.map((r) => p95(r.frames))), 1)} ms, plain list ${fixed(median(naive.map((r) => p95(r.frames))), 1)} ms.`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}
