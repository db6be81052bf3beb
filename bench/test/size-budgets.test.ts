import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../lib/result.js';
import { BUDGETS, channelRow, sseRow, treeShakingRow, webSocketRow } from '../suites/sizes.js';

// Measures the built dist/ of @realtime-kit/core and @realtime-kit/react (what users install), bundled with esbuild
// (minified ESM for the browser, React external) and gzipped at level 9. Turbo builds the packages before this runs;
// without a build every check fails with the command to run.
//
// Two limits per bundle. BUDGETS are the goals of the benchmarks issue (2.5 KB, 3 KB, 8 KB): measured and reported
// by `pnpm bench` in BENCHMARKS.md, and not met yet (7.2 KB, 6.7 KB, 10.5 KB on 2026-11-23). CEILINGS are what this
// test enforces: the sizes measured then, plus ~3%. A change that grows a bundle fails here; a change that shrinks
// one lowers its ceiling in the same commit, ratcheting down towards the budget. Tree-shaking is held to its goal.
// Raised once on purpose, 2026-11-24: the channel stack grew from 10.5 to 11.4 KB with the presence model (status and
// the activity monitor usePresence runs by default, the flicker grace, self, selectors) and channel signals.
// Raised again on purpose, 2026-11-24: devtools' inspection hooks (every connection lists itself for an inspector;
// the channel client has a nullable tap for frames and chaos) cost ~115 B in useSSE and useWebSocket and ~200 B in
// the channel stack, which also gained unreadable-message handling (encrypted channels) and `transport.url`.
// Measured then: 7536, 7065 and 12054 B.
// Raised again on purpose, 2026-12-07, for the deployment-shapes issue: every client connection notices a dead stream
// by default (SSE heartbeat timeout, WebSocket ping), +~70 B and +~40 B; the channel client speaks protocol v2 (log
// epochs and `reset`, rewind, occupancy, retries of refused subscribes and of publishes the store could not take,
// repeats dropped by cid across a reset, epochs in receipts), +~1.05 KB. Measured then: 7629, 7128 and 13161 B. The
// structure issue's single reconnect engine and development-only messages are the way back down to the goals.
// Lowered, 2026-12: the connection cache moved into core, and module-level constants and caches are marked pure, so a
// bundle drops the ones it does not use. Measured then: 7627, 7076 and 13084 B.
// Lowered, 2026-12-07: one reconnect engine for every connection (it grew the hooks by ~450 B at first), our own
// event-stream parser instead of eventsource-parser (-~1 KB in useSSE), and error messages that explain and advise
// kept to development builds (`process.env.NODE_ENV !== 'production'`; production keeps code, status and URL).
// Measured then: 7109, 6900 and 12980 B.
// Raised on purpose, 2026-12-07, for the same issue's other measure (no function over 150 lines): the WebSocket
// connection's 369-line closure became the connection, its attempts, their liveness and its listeners, which costs
// ~190 B gzipped in useWebSocket and the channel stack (property names of the parts' interfaces survive minification).
// Measured then: 7120, 7085 and 13149 B.
// Lowered, 2026-12-07: the channel client's and the hub's splits shed repeated code, four channel-client messages
// keep their advice to development builds, and the poller's idle snapshot is marked pure. Measured then: 7050, 7029
// and 13028 B.
// Raised on purpose, 2026-12-07, for chat depth (issue 18): every channel has `edit`, `remove`, `react` and `unreact`,
// the outbox carries their `action`/`target`, and messages pass the new fields on (+~200 B in the channel stack).
// Measured then: 7046, 7040 and 13227 B.
// Raised, 2026-12-07, by ~70 B for useSSE and useWebSocket and 35 B for the channel stack: measured again after the
// rest of the chat-depth work (hooks, message buffer fold, room reactions) and the AI subpath; the minified inputs of
// useSSE are unchanged since, and the growth was not attributed to one change (a to-do for the size issue).
// Measured then: 7120, 7109 and 13262 B.
// Raised on purpose, 2026-12-07, by 400 B for the channel stack (deployment hardening): the client's unanswered-publish
// watchdog (`ackTimeoutMs`: a publish with no ack or nack reconnects instead of waiting for ever), the hold after an
// `unavailable` refusal (nothing new goes on that channel until the publishes sent behind it are answered, so none is
// stored out of order) and the new session when a refused publish turns out stored (its echo came). useSSE and
// useWebSocket do not carry the outbox and are unchanged. Measured then: 13665 B.
const CEILINGS = { sse: 7150, webSocket: 7140, channel: 13_700 } as const;

function report(row: BenchRow, limit: number): void {
  const peer = row.peer ? `, ${row.peer.name}: ${row.peer.value} ${row.peer.unit}` : '';
  const goal = row.target ? `, goal ${row.target.value} ${row.ours.unit}` : '';
  console.log(
    `${row.measure}: ${row.ours.value} ${row.ours.unit} (ceiling ${limit}${goal}${peer})\n  ${row.note ?? ''}`,
  );
}

async function expectWithinCeiling(measure: () => Promise<BenchRow>, ceiling: number, budget: number): Promise<void> {
  const row = await measure();
  report(row, ceiling);
  expect(row.target?.value).toBe(budget);
  expect(
    row.ours.value,
    `${row.measure} is ${row.ours.value} B min+gzip, over its ${ceiling} B ceiling (goal ${budget} B). ${row.note ?? ''}`,
  ).toBeLessThanOrEqual(ceiling);
}

describe('bundle size budgets (min+gzip of the built packages)', () => {
  it(`useSSE + useConnectionState stays within ${CEILINGS.sse} B (goal ${BUDGETS.sse} B)`, async () => {
    await expectWithinCeiling(sseRow, CEILINGS.sse, BUDGETS.sse);
  });

  it(`useWebSocket stays within ${CEILINGS.webSocket} B (goal ${BUDGETS.webSocket} B)`, async () => {
    await expectWithinCeiling(webSocketRow, CEILINGS.webSocket, BUDGETS.webSocket);
  });

  it(`useChannel + usePresence + useConnectionState + RealtimeProvider over websocketTransport stays within ${CEILINGS.channel} B (goal ${BUDGETS.channel} B)`, async () => {
    await expectWithinCeiling(channelRow, CEILINGS.channel, BUDGETS.channel);
  });

  it('useSSE alone carries no WebSocket, Socket.io, presence or outbox code', async () => {
    const row = await treeShakingRow();
    report(row, BUDGETS.treeShakingMarkers);
    expect(row.hits, `useSSE's bundle contains code it never uses. ${row.note ?? ''}`).toEqual([]);
    expect(row.ours.value).toBeLessThanOrEqual(BUDGETS.treeShakingMarkers);
  });
});

describe('development-only messages', () => {
  // The advice in error messages ("Check the URL…", "Not retried.") is development help: production bundles must
  // leave it out, development bundles must keep it. Measured on useSSE and useWebSocket, whose errors users see most.
  const ADVICE = ['Not retried.', 'Reconnecting with backoff', 'then call reconnect()'];
  const entry = "export { useSSE, useWebSocket } from '@realtime-kit/react';";

  it('production bundles carry none of the advice; development bundles carry all of it', async () => {
    const { bundleSize } = await import('../lib/bundle.js');
    const production = await bundleSize(entry);
    const development = await bundleSize(entry, { nodeEnv: 'development' });
    expect(ADVICE.filter((text) => production.text.includes(text))).toEqual([]);
    expect(ADVICE.filter((text) => !development.text.includes(text))).toEqual([]);
    expect(development.gzipBytes - production.gzipBytes).toBeGreaterThan(500);
  });
});
