/**
 * The registry, as typed source. `pnpm registry:build` (scripts/registry-build.mjs) turns it into
 * `registry.json` and `apps/web/public/r/*.json`; `apps/web/test/registry-drift.test.ts` fails when the
 * committed output no longer matches this file.
 *
 * Items point at each other by URL, so consumers can `shadcn add` them from any host: the base URL is a
 * parameter (`REALTIME_KIT_REGISTRY_URL`, default {@link DEFAULT_REGISTRY_URL}).
 */
import type { Registry, RegistryItem } from 'shadcn/schema';

/** Where `next dev` / `next start` in apps/web serve the built items. */
export const DEFAULT_REGISTRY_URL = 'http://localhost:3000/r';

/** The npm package every item gets its realtime logic from. */
const REACT_PACKAGE = '@realtime-kit/react';

/** The registry items for the given base URL (no trailing slash), e.g. `http://localhost:3000/r`. */
export function registryItems(baseUrl: string = DEFAULT_REGISTRY_URL): RegistryItem[] {
  const url = (name: string) => `${baseUrl}/${name}.json`;
  return [
    {
      name: 'utils',
      type: 'registry:lib',
      title: 'Utils',
      description: 'The `cn()` class-name helper (clsx + tailwind-merge) every shadcn component uses.',
      dependencies: ['clsx', 'tailwind-merge'],
      files: [{ path: 'registry/realtime/lib/utils.ts', type: 'registry:lib' }],
    },
    {
      name: 'use-locale',
      type: 'registry:hook',
      title: 'useLocale',
      description: "The reader's locale for Intl formatting, hydration-safe: a fixed locale on the server, the browser's after.",
      files: [{ path: 'registry/realtime/hooks/use-locale.ts', type: 'registry:hook' }],
    },
    {
      name: 'use-retry-countdown',
      type: 'registry:hook',
      title: 'useRetryCountdown',
      description: 'Seconds left until a connection retries, ticking once a second, from useConnectionState().retryAt.',
      files: [{ path: 'registry/realtime/hooks/use-retry-countdown.ts', type: 'registry:hook' }],
    },
    {
      name: 'connection-dot',
      type: 'registry:ui',
      title: 'Connection dot',
      description:
        'A status dot and label for a realtime connection: live, connecting, reconnecting with a countdown, offline, failed. Announced politely to screen readers.',
      dependencies: [REACT_PACKAGE, 'class-variance-authority'],
      registryDependencies: [url('utils'), url('use-locale'), url('use-retry-countdown')],
      files: [{ path: 'registry/realtime/ui/connection-dot.tsx', type: 'registry:ui' }],
      categories: ['realtime', 'status'],
      docs: 'Pass `connection` from `useSSE(url).connection`, or an explicit `status`. Needs @realtime-kit/react.',
    },
    {
      name: 'live-counter',
      type: 'registry:ui',
      title: 'Live counter',
      description:
        'A number that follows a Server-Sent Events stream and springs to each new value, in the reader’s locale, without layout shift.',
      dependencies: [REACT_PACKAGE, 'motion'],
      registryDependencies: [url('utils'), url('use-locale')],
      files: [{ path: 'registry/realtime/ui/live-counter.tsx', type: 'registry:ui' }],
      categories: ['realtime', 'data-display'],
      docs: 'Render `initialValue` from the server so the number does not flash from 0. Needs @realtime-kit/react.',
    },
    {
      name: 'stream-progress',
      type: 'registry:component',
      title: 'Stream progress',
      description:
        'A progress bar and step list for a long task that streams `step`, `progress`, `done` and `error` events, with reconnect and retry.',
      dependencies: [REACT_PACKAGE, 'class-variance-authority', 'lucide-react'],
      registryDependencies: [url('utils'), url('use-locale'), url('use-retry-countdown')],
      files: [{ path: 'registry/realtime/components/stream-progress.tsx', type: 'registry:component' }],
      categories: ['realtime', 'progress'],
      docs: 'Stream events with createEventStream() from @realtime-kit/server; the protocol is documented at the top of the file.',
    },
  ] satisfies RegistryItem[];
}

/** The whole `registry.json` for the given base URL. */
export function defineRegistry(baseUrl: string = DEFAULT_REGISTRY_URL): Registry {
  return {
    $schema: 'https://ui.shadcn.com/schema/registry.json',
    name: 'realtime',
    // The docs site that serves the items: the base URL without its `/r`.
    homepage: baseUrl.replace(/\/r\/?$/, ''),
    items: registryItems(baseUrl),
  };
}
