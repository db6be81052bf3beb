/**
 * React commits under a 10k events/s SSE burst, in headless Chromium: `useSSE` (default frame throttle) against a
 * naive component doing `setState(prev => [...prev, msg])` per event, both fed by an injected `fetch` whose body
 * stream the page enqueues SSE events into on a timer. Commits are counted with `<Profiler onRender>` (React's
 * profiling build: production code with profiler timers, since the plain production build never calls onRender).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright';
import { median, type BenchRow } from '../lib/result.js';

const RATE = 10_000; // events per second
const DURATION_MS = 3_000;
const SETTLE_MS = 3_000; // how long the page may take, after the last event, to show everything it will show
const ROUNDS = 5; // per side, interleaved
const ORIGIN = 'http://bench.local';
const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `ours-no-id`: ours again with events that carry no `id:` line (a diagnostic for the note). */
type Mode = 'ours' | 'naive' | 'ours-no-id';

/** What the page reports after one run. */
interface PageResult {
  readonly sent: number;
  readonly shown: number;
  readonly batches: number;
  readonly commitsDuring: number;
  readonly commitsTotal: number;
  readonly sendMs: number;
  readonly settleMs: number;
  readonly frames: number;
  readonly frameP95Ms: number;
  readonly frameMaxMs: number;
  readonly longTasks: number;
  readonly longTaskMs: number;
  readonly last: string;
}

/**
 * The page, bundled by esbuild. `mode` picks the component; `window.__bench()` drives the burst and resolves with
 * a {@link PageResult}. The count shown (`#count`) is read from the DOM, i.e. from committed state.
 */
const PAGE_SOURCE = `
import { Profiler, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/profiling';
import { RealtimeProvider, useSSE } from '@realtime-kit/react';
import { createSSEConnection } from '@realtime-kit/core';

const params = new URLSearchParams(location.search);
const mode = params.get('mode');
const withIds = params.get('ids') !== '0';
const rate = Number(params.get('rate'));
const durationMs = Number(params.get('ms'));
const settleMs = Number(params.get('settle'));
const totalEvents = Math.round((rate * durationMs) / 1000);

const encoder = new TextEncoder();
let controller = null;
let opened = null;
const openedPromise = new Promise((resolve) => { opened = resolve; });
const fetchImpl = async () => new Response(
  new ReadableStream({ start(c) { controller = c; opened(); } }),
  { status: 200, headers: { 'content-type': 'text/event-stream' } },
);
const network = { isOnline: () => true, subscribe: () => () => {} };

function encodeEvent(seq) {
  const data = JSON.stringify({ seq, user: 'user-' + (seq % 50), text: 'message number ' + seq + ' in the room', at: 1763900000000 + seq });
  return (withIds ? 'id: ' + seq + '\\n' : '') + 'event: message\\ndata: ' + data + '\\n\\n';
}

let commits = 0;
const onRender = () => { commits += 1; };

function Ours() {
  const { total, data } = useSSE('/stream');
  return <div><span id="count">{total}</span> <span id="last">{data ? data.text : ''}</span></div>;
}

function Naive() {
  const [messages, setMessages] = useState([]);
  useEffect(() => {
    const connection = createSSEConnection('/stream', { fetch: fetchImpl, network });
    const off = connection.on('*', (message) => setMessages((prev) => [...prev, message.data]));
    return () => { off(); connection.close(); };
  }, []);
  const last = messages[messages.length - 1];
  return <div><span id="count">{messages.length}</span> <span id="last">{last ? last.text : ''}</span></div>;
}

const app = mode !== 'naive'
  ? <RealtimeProvider fetch={fetchImpl} network={network}><Profiler id="ours" onRender={onRender}><Ours /></Profiler></RealtimeProvider>
  : <Profiler id="naive" onRender={onRender}><Naive /></Profiler>;
createRoot(document.getElementById('root')).render(app);

const shown = () => Number(document.getElementById('count').textContent);
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));

window.__bench = async () => {
  await openedPromise;
  await nextFrame();
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry); });
  try { observer.observe({ type: 'longtask' }); } catch {}
  const frameTimes = [];
  let sending = true;
  let lastFrame = await nextFrame();
  const frameLoop = (now) => {
    frameTimes.push(now - lastFrame);
    lastFrame = now;
    if (sending) requestAnimationFrame(frameLoop);
  };
  requestAnimationFrame(frameLoop);

  const commitsBefore = commits;
  let sent = 0;
  let batches = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(totalEvents, Math.floor(((performance.now() - started) * rate) / 1000));
      if (due > sent) {
        let text = '';
        while (sent < due) { sent += 1; text += encodeEvent(sent); }
        controller.enqueue(encoder.encode(text));
        batches += 1;
      }
      if (sent < totalEvents) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, 1);
  });
  const sendEnd = performance.now();
  sending = false;
  const commitsDuring = commits - commitsBefore;
  observer.disconnect();
  while (shown() < sent && performance.now() - sendEnd < settleMs) await nextFrame();
  const settleMs_ = performance.now() - sendEnd;
  const sorted = frameTimes.slice(1).sort((a, b) => a - b);
  const windowTasks = longTasks.filter((t) => t.startTime >= started && t.startTime < sendEnd);
  return {
    sent,
    shown: shown(),
    batches,
    commitsDuring,
    commitsTotal: commits - commitsBefore,
    sendMs: sendEnd - started,
    settleMs: settleMs_,
    frames: sorted.length,
    frameP95Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] : NaN,
    frameMaxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    longTasks: windowTasks.length,
    longTaskMs: windowTasks.reduce((sum, t) => sum + t.duration, 0),
    last: document.getElementById('last').textContent,
  };
};
window.__ready = true;
`;

async function bundlePage(): Promise<string> {
  const result = await build({
    stdin: { contents: PAGE_SOURCE, loader: 'tsx', resolveDir: BENCH_DIR, sourcefile: 'react-commits-page.tsx' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    conditions: ['source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('react-commits: esbuild produced no bundle');
  return file.text;
}

async function runPage(browser: Browser, script: string, mode: Mode): Promise<PageResult> {
  const page = await browser.newPage();
  try {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/app.js') return route.fulfill({ contentType: 'text/javascript', body: script });
      return route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html><body><div id="root"></div><script src="/app.js"></script></body></html>',
      });
    });
    const query = new URLSearchParams({
      mode,
      ids: mode === 'ours-no-id' ? '0' : '1',
      rate: String(RATE),
      ms: String(DURATION_MS),
      settle: String(SETTLE_MS),
    });
    await page.goto(`${ORIGIN}/?${query.toString()}`);
    await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true);
    const result = await page.evaluate(() => (window as unknown as { __bench: () => Promise<PageResult> }).__bench());
    if (errors.length > 0) throw new Error(`react-commits: the ${mode} page threw: ${errors.join('; ')}`);
    if (result.sent !== Math.round((RATE * DURATION_MS) / 1000)) {
      throw new Error(`react-commits: the ${mode} page sent ${result.sent} events`);
    }
    return result;
  } finally {
    await page.close();
  }
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function describe(label: string, results: readonly PageResult[]): string {
  const m = (pick: (r: PageResult) => number) => median(results.map(pick));
  return (
    `${label}: commits/s ${results.map((r) => fixed(r.commitsDuring / (r.sendMs / 1000))).join('/')}, ` +
    `shown ${results.map((r) => r.shown).join('/')} of ${results[0]?.sent ?? 0}, ` +
    `settle ${fixed(m((r) => r.settleMs))} ms, batches ${fixed(m((r) => r.batches))}, ` +
    `frames ${fixed(m((r) => r.frames))} (p95 ${fixed(
      m((r) => r.frameP95Ms),
      1,
    )} ms, max ${fixed(
      m((r) => r.frameMaxMs),
      1,
    )} ms), ` +
    `long tasks ${fixed(m((r) => r.longTasks))} (${fixed(m((r) => r.longTaskMs))} ms)`
  );
}

export async function run(): Promise<BenchRow[]> {
  const script = await bundlePage();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const ours: PageResult[] = [];
  const naive: PageResult[] = [];
  const oursNoId: PageResult[] = [];
  const samples: Record<Mode, PageResult[]> = { ours, naive, 'ours-no-id': oursNoId };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const order: Mode[] = round % 2 === 0 ? ['ours', 'naive', 'ours-no-id'] : ['naive', 'ours-no-id', 'ours'];
      for (const mode of order) samples[mode].push(await runPage(browser, script, mode));
    }
  } finally {
    await browser.close();
  }
  const commitsPerSecond = (r: PageResult) => r.commitsDuring / (r.sendMs / 1000);
  const dropped = (r: PageResult) => r.sent - r.shown;
  const setup =
    `Headless Chromium, React 19 profiling build (production + Profiler), ${RATE} events/s for ${DURATION_MS / 1000} s ` +
    `in timer batches, both fed by an injected fetch whose body the page enqueues SSE events into; ours useSSE ` +
    `(default frame throttle, count = total received), naive setState(prev => [...prev, msg]) per event over ` +
    `createSSEConnection; median of ${ROUNDS} interleaved rounds`;
  const detail =
    `${describe('ours', ours)}; ${describe('naive', naive)}; diagnostic, ours with events without id: lines ` +
    `(lastEventId then never changes): ${describe('ours-no-id', oursNoId)}`;
  return [
    {
      measure: 'React commits/s at 10k events/s',
      ours: { value: median(ours.map(commitsPerSecond)), unit: 'commits/s' },
      peer: { name: 'naive setState per event', value: median(naive.map(commitsPerSecond)), unit: 'commits/s' },
      target: { kind: 'value', op: '<=', value: 60 },
      note: `${setup}. ${detail}.`,
    },
    {
      measure: 'dropped events at 10k events/s',
      ours: { value: median(ours.map(dropped)), unit: 'events' },
      peer: { name: 'naive setState per event', value: median(naive.map(dropped)), unit: 'events' },
      target: { kind: 'value', op: '<=', value: 0 },
      note:
        `Dropped = sent − count in committed state once the page settled (up to ${SETTLE_MS} ms after the last ` +
        `event); ours ${ours.map(dropped).join('/')}, naive ${naive.map(dropped).join('/')}.`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}
