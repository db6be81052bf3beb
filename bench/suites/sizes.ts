import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { BENCH_DIR, bundleSize, describeInputs, type BundleSize } from '../lib/bundle.js';
import type { BenchRow } from '../lib/result.js';
import { registryAliases } from '../../registry/aliases.js';

/** Where `@/registry/...` (and the shadcn primitives' `@/components/ui/...`) imports point: registry/aliases.ts. */
const REPO_DIR = resolve(BENCH_DIR, '..');
const REGISTRY_ALIAS = registryAliases(REPO_DIR);

/** Left out of the registry item bundles and measured on their own: the app installs them as separate dependencies. */
const ITEM_EXTERNALS = ['motion', 'lucide-react', 'sonner'] as const;

/** The built files the rows measure: users get `dist/`, so a missing build fails instead of measuring nothing. */
const DIST_FILES = [
  'packages/core/dist/index.js',
  'packages/core/dist/websocket/index.js',
  'packages/core/dist/socket-io/index.js',
  'packages/react/dist/index.js',
  'packages/react/dist/socket-io/index.js',
] as const;

/** Throws, naming the build command, when @realtime-kit/core or @realtime-kit/react has not been built. */
export function assertDistBuilt(): void {
  const missing = DIST_FILES.filter((file) => !existsSync(join(REPO_DIR, file)));
  if (missing.length > 0) {
    throw new Error(
      `Size rows measure the built packages, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. ` +
        'Run `pnpm --filter @realtime-kit/core --filter @realtime-kit/react build` (or `pnpm turbo run build`) first.',
    );
  }
}

export const BUDGETS = {
  sse: 2560,
  webSocket: 3072,
  channel: 8192,
  treeShakingMarkers: 0,
} as const;

export const MEASURES = {
  sse: 'min+gzip useSSE + useConnectionState',
  webSocket: 'min+gzip useWebSocket',
  channel: 'min+gzip useChannel + usePresence + useConnectionState over websocketTransport',
  treeShaking: 'tree-shaking: useSSE alone',
} as const;

const ENTRIES = {
  sse: "export { useSSE, useConnectionState } from '@realtime-kit/react';",
  sseAlone: "export { useSSE } from '@realtime-kit/react';",
  peerEventSource: "export { useEventSource } from 'react-use-websocket';",
  webSocket: "export { useWebSocket } from '@realtime-kit/react';",
  peerPartySocket: "export { usePartySocket } from 'partysocket/react';",
  channel:
    "export { useChannel, usePresence, useConnectionState, RealtimeProvider } from '@realtime-kit/react';\n" +
    "export { websocketTransport } from '@realtime-kit/core/websocket';",
  peerAbly:
    "import * as Ably from 'ably';\n" +
    'export const Realtime = Ably.Realtime;\n' +
    "export { AblyProvider, ChannelProvider, useChannel, usePresence } from 'ably/react';",
  peerLiveblocks:
    "export { LiveblocksProvider, RoomProvider, useOthers, useMyPresence } from '@liveblocks/react';\n" +
    "export { createClient } from '@liveblocks/client';",
} as const;

/**
 * Strings only one module of ours produces (error messages, or property names minification keeps), grouped by the
 * code they stand for. Each group names a control entry that must contain every marker: a marker that went stale (a
 * reworded message) fails loudly instead of passing as "not found".
 */
export const OUR_MARKER_GROUPS: readonly MarkerGroup[] = [
  {
    name: 'WebSocket (connection, close classification, transport, useWebSocket)',
    control:
      "export { createWebSocketConnection } from '@realtime-kit/core';\n" +
      "export { websocketTransport } from '@realtime-kit/core/websocket';\n" +
      "export { useWebSocket } from '@realtime-kit/react';",
    markers: [
      'createWebSocketConnection: this runtime has no global WebSocket',
      ' messages already wait for the WebSocket to ',
      'Could not create a WebSocket for ',
      'dropped a message that is not a realtime-kit protocol frame',
      'A WebSocket message could not be parsed',
    ],
  },
  {
    name: 'Socket.io (transport, useSocket)',
    control: "export * from '@realtime-kit/core/socket-io';\nexport * from '@realtime-kit/react/socket-io';",
    markers: ['The socket.io server disconnected this socket', 'socket.io gave up reconnecting', 'reconnect_attempt'],
  },
  {
    name: 'presence controller',
    control: "export { createRealtimeClient } from '@realtime-kit/core';",
    markers: ['sessionOpened', 'clearMembers', 'onActiveChange'],
  },
  {
    name: 'outbox queue',
    control: "export { createRealtimeClient } from '@realtime-kit/core';",
    markers: ['nextCreatedAt', 'markUnsent', 'onStorageError'],
  },
  {
    name: 'IndexedDB outbox',
    control: "export { indexedDBOutbox } from '@realtime-kit/core';",
    markers: ['indexedDBOutbox: IndexedDB is not available here', 'is blocked by another tab'],
  },
];

/** react-use-websocket's WebSocket code, checked against its `useWebSocket` bundle. */
export const PEER_WEBSOCKET_MARKERS: MarkerGroup = {
  name: 'react-use-websocket WebSocket code',
  control: "export { default as useWebSocket } from 'react-use-websocket';",
  markers: ['new WebSocket', 'sendJsonMessage', 'getWebSocket', '/socket.io/?EIO=3&transport=websocket'],
};

export interface MarkerGroup {
  readonly name: string;
  /** An entry whose bundle contains every marker. */
  readonly control: string;
  readonly markers: readonly string[];
}

export interface MarkerHit {
  readonly group: string;
  readonly marker: string;
}

const CONTROL_EXTERNALS = ['socket.io-client'];

/**
 * The markers of `groups` found in `text`, after checking each marker against its group's control bundle. Both are
 * development bundles: many markers are error messages that production builds leave out.
 */
export async function findMarkers(text: string, groups: readonly MarkerGroup[]): Promise<MarkerHit[]> {
  const hits: MarkerHit[] = [];
  for (const group of groups) {
    const control = await bundleSize(group.control, { external: CONTROL_EXTERNALS, nodeEnv: 'development' });
    const stale = group.markers.filter((marker) => !control.text.includes(marker));
    if (stale.length > 0) {
      throw new Error(
        `Tree-shaking markers for ${group.name} are stale: ${stale.map((m) => JSON.stringify(m)).join(', ')} no longer ` +
          'occur in the bundle of the code they stand for. Pick strings that module still produces (bench/suites/sizes.ts).',
      );
    }
    for (const marker of group.markers) if (text.includes(marker)) hits.push({ group: group.name, marker });
  }
  return hits;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;

function sizeNote(label: string, size: BundleSize): string {
  return `${label}: ${size.gzipBytes} B gz / ${size.minBytes} B min`;
}

function overBudgetNote(size: BundleSize, budget: number): string {
  return size.gzipBytes <= budget
    ? ''
    : `; over budget (${kb(size.gzipBytes)} > ${kb(budget)}), largest inputs: ${describeInputs(size.inputs)}`;
}

async function hookRow(
  measure: string,
  oursEntry: string,
  budget: number,
  peers: readonly { readonly name: string; readonly entry: string }[],
): Promise<BenchRow> {
  assertDistBuilt();
  const ours = await bundleSize(oursEntry);
  const measured = await Promise.all(
    peers.map(async (peer) => ({ name: peer.name, size: await bundleSize(peer.entry) })),
  );
  const smallest = measured.reduce((a, b) => (b.size.gzipBytes < a.size.gzipBytes ? b : a));
  return {
    measure,
    ours: { value: ours.gzipBytes, unit: 'B' },
    peer: { name: smallest.name, value: smallest.size.gzipBytes, unit: 'B' },
    target: { kind: 'value', op: '<=', value: budget },
    note:
      [sizeNote('ours', ours), ...measured.map((peer) => sizeNote(peer.name, peer.size))].join('; ') +
      '; esbuild minify, ESM, browser, React external, gzip -9' +
      overBudgetNote(ours, budget),
  };
}

export function sseRow(): Promise<BenchRow> {
  return hookRow(MEASURES.sse, ENTRIES.sse, BUDGETS.sse, [
    { name: 'react-use-websocket useEventSource', entry: ENTRIES.peerEventSource },
  ]);
}

export function webSocketRow(): Promise<BenchRow> {
  return hookRow(MEASURES.webSocket, ENTRIES.webSocket, BUDGETS.webSocket, [
    { name: 'partysocket/react usePartySocket', entry: ENTRIES.peerPartySocket },
  ]);
}

export function channelRow(): Promise<BenchRow> {
  return hookRow(MEASURES.channel, ENTRIES.channel, BUDGETS.channel, [
    { name: 'ably + ably/react (AblyProvider, ChannelProvider, useChannel, usePresence)', entry: ENTRIES.peerAbly },
    {
      name: '@liveblocks/react + client (LiveblocksProvider, RoomProvider, useOthers, useMyPresence)',
      entry: ENTRIES.peerLiveblocks,
    },
  ]);
}

export async function treeShakingRow(): Promise<BenchRow & { readonly hits: readonly MarkerHit[] }> {
  assertDistBuilt();
  const ours = await bundleSize(ENTRIES.sseAlone, { nodeEnv: 'development' });
  const peer = await bundleSize(ENTRIES.peerEventSource);
  const hits = await findMarkers(ours.text, OUR_MARKER_GROUPS);
  const peerHits = await findMarkers(peer.text, [PEER_WEBSOCKET_MARKERS]);
  const markerCount = OUR_MARKER_GROUPS.reduce((sum, group) => sum + group.markers.length, 0);
  return {
    measure: MEASURES.treeShaking,
    ours: { value: hits.length, unit: 'markers' },
    peer: { name: 'react-use-websocket useEventSource', value: peerHits.length, unit: 'markers' },
    target: { kind: 'value', op: '<=', value: BUDGETS.treeShakingMarkers },
    note:
      `${markerCount} markers of WebSocket, Socket.io, presence, outbox and IndexedDB-outbox code, each checked against a bundle ` +
      `of that code (development bundles, which keep the messages); ${sizeNote('our useSSE-only development bundle', ours)}` +
      (hits.length > 0
        ? `, found: ${hits.map((hit) => `${hit.group}: ${JSON.stringify(hit.marker)}`).join(', ')}`
        : '') +
      `; peer: ${sizeNote('useEventSource bundle', peer)}, ${peerHits.length}/${PEER_WEBSOCKET_MARKERS.markers.length} of its ` +
      `WebSocket markers (${PEER_WEBSOCKET_MARKERS.markers.map((m) => JSON.stringify(m)).join(', ')}) present: it ships its WebSocket code`,
    hits,
  };
}

/** The rows with budgets, the ones `test/size-budgets.test.ts` enforces. */
export async function budgetRows(): Promise<BenchRow[]> {
  const { hits: _hits, ...treeShaking } = await treeShakingRow();
  return [await sseRow(), await webSocketRow(), await channelRow(), treeShaking];
}

/** Registry item types that are React components, measured one row each. */
const COMPONENT_TYPES: ReadonlySet<string> = new Set(['registry:ui', 'registry:component', 'registry:block']);

/** Every component item's entry file (the one named after the item), from the registry's typed source. */
async function registryEntries(): Promise<string[]> {
  const { registryItems } = (await import(
    join(REPO_DIR, 'registry/registry.ts')
  )) as typeof import('../../registry/registry.js');
  return registryItems()
    .filter((item) => COMPONENT_TYPES.has(item.type))
    .map((item) => {
      const entry =
        item.files?.find((file) => /\.tsx$/.test(file.path) && file.path.split('/').pop() === `${item.name}.tsx`) ??
        item.files?.[0];
      if (!entry) throw new Error(`registry item ${item.name} lists no files`);
      return entry.path;
    });
}

/**
 * Dependencies that are not the item's own code: ours, and what every shadcn app already has for `cn` and variants,
 * and shadcn's primitives (the app's own `components/ui`, and radix-ui under them).
 */
const SHARED_DEPENDENCIES = [
  '@realtime-kit/core',
  '@realtime-kit/react',
  'clsx',
  'tailwind-merge',
  'class-variance-authority',
  'radix-ui',
  '@/components/ui',
  '@/lib/utils',
];

/** `{ package: [named imports] }` for the imports of `file` from `packages` (type-only imports are left out). */
function namedImports(file: string, packages: readonly string[]): Map<string, string[]> {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.TSX,
  );
  const found = new Map<string, string[]>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier.text;
    if (!packages.some((name) => specifier === name || specifier.startsWith(`${name}/`))) continue;
    const clause = statement.importClause;
    if (clause === undefined || clause.isTypeOnly) continue;
    const names = found.get(specifier) ?? [];
    const bindings = clause.namedBindings;
    if (bindings !== undefined && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements)
        if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
    }
    if (names.length > 0) found.set(specifier, names);
  }
  return found;
}

/** The item's own files: the entry plus the `@/registry/...` modules it pulls in (from the bundle's metafile inputs). */
function localFiles(size: BundleSize): string[] {
  return size.inputs
    .map((input) => resolve(process.cwd(), input.path))
    .filter((file) => file.startsWith(join(REPO_DIR, 'registry')) || file.startsWith(join(BENCH_DIR, 'peers')));
}

async function externalDependencyNotes(files: readonly string[]): Promise<string[]> {
  const imports = new Map<string, { names: Set<string>; resolveDir: string }>();
  for (const file of files) {
    for (const [specifier, names] of namedImports(file, ITEM_EXTERNALS)) {
      const entry = imports.get(specifier) ?? { names: new Set<string>(), resolveDir: dirname(file) };
      for (const name of names) entry.names.add(name);
      imports.set(specifier, entry);
    }
  }
  const notes: string[] = [];
  for (const [specifier, { names, resolveDir }] of imports) {
    const list = [...names].sort();
    const size = await bundleSize(`export { ${list.join(', ')} } from '${specifier}';`, { resolveDir });
    notes.push(
      `${specifier} { ${list.join(', ')} }: ${size.gzipBytes} B gz / ${size.minBytes} B min, external, not counted`,
    );
  }
  return notes;
}

interface ItemMeasure {
  readonly total: BundleSize;
  readonly own: BundleSize;
  readonly externals: readonly string[];
}

async function measureItem(file: string): Promise<ItemMeasure> {
  const entry = `export * from ${JSON.stringify(file)};`;
  const total = await bundleSize(entry, { external: ITEM_EXTERNALS, alias: REGISTRY_ALIAS });
  const own = await bundleSize(entry, { external: [...ITEM_EXTERNALS, ...SHARED_DEPENDENCIES], alias: REGISTRY_ALIAS });
  return { total, own, externals: await externalDependencyNotes(localFiles(total)) };
}

function itemNote(label: string, item: ItemMeasure): string {
  return [
    `${label}: ${sizeNote('bundle', item.total)} (motion, lucide-react, sonner external)`,
    `own code without @realtime-kit/*, clsx, tailwind-merge, class-variance-authority: ${item.own.gzipBytes} B gz`,
    `largest inputs: ${describeInputs(item.total.inputs, 4)}`,
    ...item.externals,
  ].join('; ');
}

const PEER_NUMBER_TICKER = join(BENCH_DIR, 'peers/magicui-number-ticker.tsx');

/** One report-only row per registry item; the live counter is set against magicui's NumberTicker. */
export async function registryRows(): Promise<BenchRow[]> {
  assertDistBuilt();
  const rows: BenchRow[] = [];
  for (const relative of await registryEntries()) {
    const item = await measureItem(join(REPO_DIR, relative));
    const name = relative.replace(/^registry\/realtime\//, '');
    if (name === 'ui/live-counter.tsx') {
      const peer = await measureItem(PEER_NUMBER_TICKER);
      rows.push({
        measure: `registry item bundle: ${name}`,
        ours: { value: item.total.gzipBytes, unit: 'B' },
        peer: { name: 'magicui NumberTicker', value: peer.total.gzipBytes, unit: 'B' },
        note: `${itemNote('ours', item)} | ${itemNote('magicui NumberTicker (vendored, bench/peers)', peer)}`,
      });
    } else {
      rows.push({
        measure: `registry item bundle: ${name}`,
        ours: { value: item.total.gzipBytes, unit: 'B' },
        note: itemNote('ours', item),
      });
    }
  }
  return rows;
}

export async function run(): Promise<BenchRow[]> {
  return [...(await budgetRows()), ...(await registryRows())];
}
