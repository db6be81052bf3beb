/**
 * What a new user does, end to end, against local stand-ins for the two things that are not public yet:
 *
 *   - the realtime-kit registry: built with scripts/registry-build.mjs for a loopback base URL and served by a tiny
 *     in-process HTTP server;
 *   - shadcn's own registry (ui.shadcn.com/r), which serves the primitives items depend on by plain name
 *     ("button"): scripts/shadcn-stand-in.mjs builds it from the vendored copies in registry/shadcn-ui/, served by
 *     the same server under /shadcn/r, and the shadcn CLI is pointed at it with REGISTRY_URL;
 *   - the npm packages: @realtime-kit/{core,react,server} packed with pnpm and published to a throwaway
 *     verdaccio, which proxies every other package to the machine's npm registry.
 *
 * Then: create-next-app (Next 16), `shadcn add` every registry item by URL, render each component on a page,
 * `tsc --noEmit`, `next build`, and check the prerendered HTML has every component's `data-slot`. The same again
 * for a fresh Vite React app (create-vite's react-ts template, Tailwind and the `@/` alias as shadcn's Vite guide
 * sets them up): one `shadcn add` of every item, the template's own `tsc -b && vite build`.
 *
 * Work happens in a temp dir (removed afterwards; E2E_KEEP=1 keeps it). npm downloads are cached in
 * <repo>/.e2e-work/npm-cache, so reruns are faster; logs of every command go to <repo>/.e2e-work/logs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { killAll, run } from './lib/process.ts';
import { serveStatic } from './lib/static-server.ts';
import { startRegistry, type Registry } from './lib/verdaccio.ts';

const CREATE_NEXT_APP = 'create-next-app@16.4.3';
const CREATE_VITE = 'create-vite@9.3.0';
const SHADCN = 'shadcn@4.23.0';
const PACKAGES = ['core', 'react', 'server'] as const;
/** Item types that are React components: rendered on the page, and checked in the prerendered HTML. */
const COMPONENT_TYPES = new Set(['registry:ui', 'registry:component', 'registry:block']);
/**
 * How the page renders a component whose bare `<Name />` would not typecheck (required props) or would need a
 * server. Items not listed here are rendered as `<Name />`, where Name is the item name in PascalCase.
 */
const RENDER: Record<string, string> = {
  'connection-dot': '<ConnectionDot status="open" />',
  'live-counter': '<LiveCounter url={null} label="Viewers" initialValue={1204} />',
  'stream-progress': '<StreamProgress url={null} title="Deploying" steps={[{ id: "build", label: "Build" }]} />',
  'reconnect-toast': '<ReconnectToaster />',
  'streaming-text': '<StreamingText url={null} />',
  'live-metrics':
    '<LiveMetrics url={null} metrics={[{ key: "cpu", label: "CPU", format: { style: "unit", unit: "percent" } }]} />',
  'notification-center': '<NotificationCenter channel="e2e:notifications" />',
  'chat-room': '<ChatRoom channel="e2e:room" user={{ id: "e2e", name: "E2E" }} />',
  'live-cursors': '<LiveCursors channel="e2e:cursors" user={{ id: "e2e", name: "E2E" }} />',
  'live-reactions': '<LiveReactions channel="e2e:reactions" />',
  'collaborative-editor': '<CollaborativeEditor channel="e2e:doc" user={{ id: "e2e", name: "E2E" }} />',
  'collaborative-rich-text': '<CollaborativeRichText channel="e2e:rich" user={{ id: "e2e", name: "E2E" }} />',
  'tic-tac-toe': '<TicTacToe channel="tictactoe:e2e" name="E2E" />',
  // An inline Server Action in the Next page (the progressive-enhancement path); a no-op directive under Vite.
  'live-form':
    '<LiveForm fields={[{ name: "email", label: "Email", type: "email" }]} action={async () => { "use server"; return { status: "success", message: "Sent" }; }} />',
  // `enabled`: the test builds for production, where the devtools render nothing by default.
  'realtime-devtools': '<RealtimeDevtools enabled />',
};

/**
 * Items whose component takes what a hook of the app returns (ai-chat takes `useChat()`'s result): rendered through a
 * client component the test writes next to the page, wired the way a user wires it. `source` gets the import path
 * (`@/…`, no extension) of one of the item's files by its file name.
 */
const CLIENT_WIRING: Record<string, { tag: string; source: (importOf: (fileName: string) => string) => string }> = {
  'ai-chat': {
    tag: 'AiChatWired',
    source: (importOf) => `'use client';
import { useChat } from '@ai-sdk/react';
import { AiChat } from '${importOf('ai-chat.tsx')}';
import { useRealtimeChatTransport } from '${importOf('use-realtime-chat-transport.ts')}';

export function AiChatWired() {
  const transport = useRealtimeChatTransport({ api: '/api/chat' });
  const chat = useChat({ id: 'e2e-chat', transport, resume: true });
  return <AiChat chat={chat} />;
}
`,
  },
};

/** Items that use channels: rendered inside a client `RealtimeProvider` with a WebSocket transport (which connects only in the browser). */
const NEEDS_PROVIDER = new Set([
  'notification-center',
  'chat-room',
  'live-cursors',
  'live-reactions',
  'collaborative-editor',
  'collaborative-rich-text',
  'tic-tac-toe',
  'ai-chat',
]);

/** The app's own client component that provides the channel client, as a user would write it. */
const REALTIME_SHELL = `'use client';
import { useState, type ReactNode } from 'react';
import { RealtimeProvider } from '@realtime-kit/react';
import { websocketTransport } from '@realtime-kit/core/websocket';

export function RealtimeShell({ children }: { children: ReactNode }) {
  const [transport] = useState(() => websocketTransport({ url: '/realtime' }));
  return <RealtimeProvider transport={transport}>{children}</RealtimeProvider>;
}
`;

/** The JSX for an item on the test page, wrapped in the provider when it needs one. */
function renderJsx(name: string): { jsx: string; tag: string } {
  const wiring = CLIENT_WIRING[name];
  const jsx = wiring ? `<${wiring.tag} />` : (RENDER[name] ?? `<${pascal(name)} />`);
  const tag = /^<(\w+)/.exec(jsx)![1]!;
  return { jsx: NEEDS_PROVIDER.has(name) ? `<RealtimeShell>${jsx}</RealtimeShell>` : jsx, tag };
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK = path.join(REPO, '.e2e-work');
const NPM_CACHE = path.join(WORK, 'npm-cache');
const LOGS = path.join(WORK, 'logs');
rmSync(LOGS, { recursive: true, force: true });
mkdirSync(NPM_CACHE, { recursive: true });
// Outside the repo on purpose: Next infers its root from the nearest lockfile, which must not be the monorepo's.
const TMP = mkdtempSync(path.join(os.tmpdir(), 'realtime-kit-e2e-'));
const APP = path.join(TMP, 'app');
const VITE_APP = path.join(TMP, 'app-vite');

const MIN = 60_000;

/** lib/utils.ts as `shadcn init` writes it (init itself needs ui.shadcn.com). */
const UTILS_SOURCE = `import { clsx, type ClassValue } from 'clsx';
import { twMerge } from 'tailwind-merge';

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}
`;

/** process.env without what vitest and `pnpm run` add (NODE_ENV=test breaks `next build`, npm_* confuse npm). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|NODE_ENV$|TEST$|INIT_CWD$|NODE_OPTIONS$|TURBO_HASH$)/i.test(key)) continue;
    env[key] = value;
  }
  // verdaccio and npm talk TLS to the upstream registry: keep a custom CA bundle working under turbo's strict env.
  if (!env.NODE_EXTRA_CA_CERTS) {
    const cafile = spawnSync('npm', ['config', 'get', 'cafile'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    }).stdout?.trim();
    if (cafile && cafile !== 'null' && existsSync(cafile)) env.NODE_EXTRA_CA_CERTS = cafile;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', ...extra };
}

// ---------------------------------------------------------------------------------------------------------
// The registry is built while the file is collected: the items it lists become one test each.

const server = await serveStatic(TMP);
const REGISTRY_URL = `${server.origin}/r`;
/** The stand-in for ui.shadcn.com/r: what the shadcn CLI reads plain-name dependencies from (`REGISTRY_URL`). */
const SHADCN_REGISTRY_URL = `${server.origin}/shadcn/r`;
const SHADCN_STAND_IN = path.join(TMP, 'shadcn', 'r');

interface RegistryFile {
  path: string;
  type: string;
  target?: string;
  content?: string;
}
interface RegistryItem {
  name: string;
  type: string;
  dependencies?: string[];
  registryDependencies?: string[];
  files?: RegistryFile[];
}

let registryError: Error | null = null;
let registryBuildMs = 0;
let items: RegistryItem[] = [];
try {
  const started = performance.now();
  const { output } = await run(process.execPath, ['scripts/registry-build.mjs', '--out', path.join(TMP, 'r')], {
    cwd: REPO,
    env: cleanEnv({ REALTIME_KIT_REGISTRY_URL: REGISTRY_URL }),
    timeoutMs: 3 * MIN,
    logDir: LOGS,
    label: 'registry-build',
  });
  await run(process.execPath, ['scripts/shadcn-stand-in.mjs', '--out', SHADCN_STAND_IN], {
    cwd: REPO,
    env: cleanEnv(),
    timeoutMs: 3 * MIN,
    logDir: LOGS,
    label: 'shadcn-stand-in',
  });
  registryBuildMs = performance.now() - started;
  const registry = JSON.parse(readFileSync(path.join(TMP, 'r', 'registry.json'), 'utf8')) as { items: RegistryItem[] };
  items = registry.items;
  if (items.length === 0) throw new Error(`the built registry lists no items\n${output}`);
} catch (error) {
  registryError = error as Error;
}

const dependedOn = new Set(items.flatMap((item) => item.registryDependencies ?? []));
/** Every item, except the pure `utils` lib when another item pulls it in (the app gets lib/utils by hand). */
const itemsToAdd = items.filter(
  (item) => !(item.name === 'utils' && item.type === 'registry:lib' && dependedOn.has(`${REGISTRY_URL}/utils.json`)),
);
const components = itemsToAdd.filter((item) => COMPONENT_TYPES.has(item.type));

/** The built item (with its files' content) as served. */
function builtItem(name: string): RegistryItem {
  return JSON.parse(readFileSync(path.join(TMP, 'r', `${name}.json`), 'utf8')) as RegistryItem;
}

/** The shadcn primitives an item depends on by plain name ("button"), as the stand-in serves them. */
function primitivesOf(item: RegistryItem): RegistryItem[] {
  return (item.registryDependencies ?? [])
    .filter((dependency) => !/^https?:/.test(dependency))
    .map(
      (name) =>
        JSON.parse(
          readFileSync(path.join(SHADCN_STAND_IN, 'styles', 'new-york-v4', `${name}.json`), 'utf8'),
        ) as RegistryItem,
    );
}

/** A file's code without its "use client" directive, which the CLI drops for apps whose components.json says `rsc: false`. */
const withoutDirective = (text: string) => text.replace(/^(["'])use client\1;?\n+/, '');

/** A primitive landed in the app as shadcn's flow writes it: at components/ui/<name>.tsx, with the served content. */
function expectPrimitiveInstalled(item: string, primitive: RegistryItem, root: string) {
  for (const file of primitive.files ?? []) {
    const target = path.join(root, installedPath(file));
    expect(existsSync(target), `${item}: shadcn primitive ${primitive.name} at ${path.relative(root, target)}`).toBe(
      true,
    );
    expect(withoutDirective(readFileSync(target, 'utf8')), `${item}: ${primitive.name} is the stand-in's copy`).toBe(
      withoutDirective(file.content ?? ''),
    );
  }
}

/** Where `shadcn add` puts a file, per the components.json files below (Next: no src/ dir; Vite: under src/). */
function installedPath(file: RegistryFile, root = ''): string {
  return path.join(root, installedPathInRoot(file));
}

function installedPathInRoot(file: RegistryFile): string {
  if (file.target) return file.target.replace(/^~\//, '');
  const dir =
    {
      'registry:ui': 'components/ui',
      'registry:lib': 'lib',
      'registry:hook': 'hooks',
      'registry:component': 'components',
      'registry:block': 'components',
    }[file.type] ?? 'components';
  const last = dir.split('/').pop()!;
  const segments = file.path.split('/');
  const index = segments.lastIndexOf(last);
  return path.join(dir, index >= 0 ? segments.slice(index + 1).join('/') : path.basename(file.path));
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, char: string) => char.toUpperCase());

/**
 * The import line of an item on the test page: from the item's own file, or, for the items in CLIENT_WIRING, from
 * the wiring component written into `componentsDir` (the `@/components` folder of the app).
 */
function importOf(item: RegistryItem, file: RegistryFile, tag: string, componentsDir: string): string {
  const wiring = CLIENT_WIRING[item.name];
  if (!wiring) return `import { ${tag} } from '@/${installedPath(file).replace(/\.tsx$/, '')}';`;
  const importPath = (fileName: string) => {
    const found = (builtItem(item.name).files ?? []).find((candidate) => path.basename(candidate.path) === fileName);
    if (!found) throw new Error(`${item.name} ships no ${fileName}`);
    return `@/${installedPath(found).replace(/\.tsx?$/, '')}`;
  };
  writeFileSync(path.join(componentsDir, `${item.name}-wired.tsx`), wiring.source(importPath));
  return `import { ${tag} } from '@/components/${item.name}-wired';`;
}

// ---------------------------------------------------------------------------------------------------------

let registry: Registry | null = null;
/** Set when a step fails: later steps that need it are skipped (not failed a second time). */
const broken: Record<string, string> = {};
const added = new Set<string>();
const timings: Record<string, number> = {};

function needs(context: TestContext, ...steps: string[]) {
  const missing = steps.filter((step) => broken[step] !== undefined);
  if (missing.length > 0) context.skip(`needs: ${missing.map((step) => `${step} (${broken[step]})`).join('; ')}`);
}

/** A test whose failure marks `key` broken. */
function step(key: string, name: string, timeout: number, body: (context: TestContext) => Promise<void>) {
  it(
    name,
    async (context) => {
      const started = performance.now();
      try {
        await body(context);
      } catch (error) {
        broken[key] ??= (error as { code?: string }).code === 'VITEST_PENDING' ? 'skipped' : 'failed';
        throw error;
      } finally {
        timings[key] = performance.now() - started;
      }
    },
    timeout,
  );
}

/** Runs a command for the app, with the npm registry set to verdaccio and npm's cache under .e2e-work. */
function appEnv(): NodeJS.ProcessEnv {
  if (!registry) throw new Error('the local registry is not running');
  return cleanEnv({
    // The shadcn CLI fetches plain-name dependencies from here instead of ui.shadcn.com.
    REGISTRY_URL: SHADCN_REGISTRY_URL,
    npm_config_registry: registry.url,
    npm_config_cache: NPM_CACHE,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'warn',
  });
}

const exec = (label: string, command: string, args: string[], timeoutMs: number, cwd = APP) =>
  run(command, args, { cwd, env: appEnv(), timeoutMs, logDir: LOGS, label });

afterAll(async () => {
  await killAll();
  await registry?.stop();
  await server.close();
  if (process.env.E2E_KEEP) console.log(`e2e: kept ${TMP}`);
  else rmSync(TMP, { recursive: true, force: true });
  const shown = Object.entries({ 'registry-build': registryBuildMs, ...timings }).map(
    ([key, ms]) => `${key} ${(ms / 1000).toFixed(1)}s`,
  );
  console.log(`e2e timings: ${shown.join(', ')}`);
}, 2 * MIN);

describe('a new user installs realtime-kit into a fresh Next.js app', () => {
  step('registry', 'builds the registry for a loopback URL and serves it', 30_000, async () => {
    if (registryError) throw registryError;
    const served = await fetch(`${REGISTRY_URL}/registry.json`).then(
      (response) => response.json() as Promise<{ items: RegistryItem[] }>,
    );
    expect(served.items.map((item) => item.name)).toEqual(items.map((item) => item.name));
    for (const item of items) {
      expect(existsSync(path.join(TMP, 'r', `${item.name}.json`)), `${item.name}.json was built`).toBe(true);
      // Cross-item links must point at this server, not the default localhost:3000.
      for (const dependency of builtItem(item.name).registryDependencies ?? []) {
        if (/^https?:/.test(dependency))
          expect(dependency.startsWith(`${REGISTRY_URL}/`), `${item.name} → ${dependency}`).toBe(true);
      }
    }
    // Plain names ("button") are shadcn's: the stand-in serves each one an item asks for, where the CLI looks.
    const primitives = new Set(
      items.flatMap((item) => (item.registryDependencies ?? []).filter((dependency) => !/^https?:/.test(dependency))),
    );
    expect(primitives.size, 'items depend on shadcn primitives').toBeGreaterThan(0);
    for (const name of primitives) {
      const response = await fetch(`${SHADCN_REGISTRY_URL}/styles/new-york-v4/${name}.json`);
      expect(response.status, `the stand-in serves ${name}`).toBe(200);
    }
  });

  step('publish', 'publishes @realtime-kit/{core,react,server} to a local npm registry', 5 * MIN, async () => {
    const env = cleanEnv();
    const uplink =
      spawnSync('npm', ['config', 'get', 'registry'], { env, encoding: 'utf8', timeout: 30_000 }).stdout.trim() ||
      'https://registry.npmjs.org/';
    registry = await startRegistry({ dir: path.join(TMP, 'verdaccio'), uplink, env, logDir: LOGS });
    const token = await registry.addUser('e2e', `e2e-${process.pid}-${Date.now()}`);

    const tarballs = path.join(TMP, 'tarballs');
    mkdirSync(tarballs, { recursive: true });
    for (const name of PACKAGES) {
      const dir = path.join(REPO, 'packages', name);
      if (!existsSync(path.join(dir, 'dist', 'index.js'))) {
        throw new Error(
          `packages/${name}/dist is missing: build the packages first (turbo runs e2e#test after ^build)`,
        );
      }
      const before = new Set(readdirSync(tarballs));
      await run('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: dir,
        env,
        timeoutMs: 2 * MIN,
        logDir: LOGS,
        label: `pack-${name}`,
      });
      const tarball = readdirSync(tarballs).find((file) => file.endsWith('.tgz') && !before.has(file));
      expect(tarball, `pnpm pack wrote a tarball for ${name}`).toBeDefined();
      await exec(
        `publish-${name}`,
        'npm',
        ['publish', path.join(tarballs, tarball!), '--access', 'public', `--${registry.nerf}:_authToken=${token}`],
        2 * MIN,
        tarballs,
      );
    }

    // What npm now sees: real semver ranges (no workspace: protocol), dist-only exports.
    const { stdout } = await exec('view-react', 'npm', ['view', '@realtime-kit/react@0.1.0', '--json'], MIN, tarballs);
    const manifest = JSON.parse(stdout) as { dependencies?: Record<string, string>; exports?: unknown };
    expect(manifest.dependencies?.['@realtime-kit/core']).toMatch(/^\^?0\.1\.0$/);
    expect(JSON.stringify(manifest.exports)).not.toContain('src/');
  });

  step('app', `creates a Next.js app with ${CREATE_NEXT_APP} and prepares it for shadcn`, 8 * MIN, async (context) => {
    needs(context, 'publish');
    await exec(
      'create-next-app',
      'npx',
      [
        '--yes',
        CREATE_NEXT_APP,
        'app',
        '--ts',
        '--tailwind',
        '--no-linter',
        '--app',
        '--no-src-dir',
        '--import-alias',
        '@/*',
        '--use-npm',
        '--yes',
        '--disable-git',
        '--no-agent-feedback',
      ],
      7 * MIN,
      TMP,
    );
    expect(existsSync(path.join(APP, 'app', 'layout.tsx'))).toBe(true);

    // @realtime-kit/* from verdaccio, everything else proxied through it.
    writeFileSync(path.join(APP, '.npmrc'), `registry=${registry!.url}\n@realtime-kit:registry=${registry!.url}\n`);
    // next/font/google needs fonts.googleapis.com at build time: use a plain layout.
    writeFileSync(
      path.join(APP, 'app', 'layout.tsx'),
      `import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = { title: 'realtime-kit e2e', description: 'Every realtime-kit registry item' };

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en" className="h-full antialiased">
      <body className="min-h-full flex flex-col">{children}</body>
    </html>
  );
}
`,
    );
    writeFileSync(
      path.join(APP, 'components.json'),
      `${JSON.stringify(
        {
          $schema: 'https://ui.shadcn.com/schema.json',
          style: 'new-york',
          rsc: true,
          tsx: true,
          // baseColor "" keeps `add` from fetching ui.shadcn.com/r/colors/*.
          tailwind: { config: '', css: 'app/globals.css', baseColor: '', cssVariables: true, prefix: '' },
          iconLibrary: 'lucide',
          aliases: {
            components: '@/components',
            utils: '@/lib/utils',
            ui: '@/components/ui',
            lib: '@/lib',
            hooks: '@/hooks',
          },
        },
        null,
        2,
      )}\n`,
    );
    mkdirSync(path.join(APP, 'lib'), { recursive: true });
    writeFileSync(path.join(APP, 'lib', 'utils.ts'), UTILS_SOURCE);
    await exec('install-utils', 'npm', ['install', 'clsx', 'tailwind-merge'], 3 * MIN);
  });

  describe.each(itemsToAdd.map((item) => [item.name, item] as const))('shadcn add %s', (name, item) => {
    it(
      `adds ${name} by URL and writes its files`,
      async (context) => {
        needs(context, 'app');
        const started = performance.now();
        // -o: lib/utils.ts (written by hand above) may differ from the item's copy; without it, add asks and,
        // with no TTY, exits 0 having written nothing.
        const { output } = await exec(
          `add-${name}`,
          'npx',
          ['--yes', SHADCN, 'add', `${REGISTRY_URL}/${name}.json`, '--yes', '--overwrite'],
          4 * MIN,
        );
        timings[`add-${name}`] = performance.now() - started;
        expect(output).not.toMatch(/Something went wrong/i);

        const built = builtItem(name);
        for (const file of built.files ?? []) {
          const target = path.join(APP, installedPath(file));
          expect(existsSync(target), `${name}: ${path.relative(APP, target)} exists`).toBe(true);
          const content = readFileSync(target, 'utf8');
          expect(content, `${name}: imports rewritten to the app's aliases`).not.toContain('@/registry/');
        }
        for (const primitive of primitivesOf(item)) expectPrimitiveInstalled(name, primitive, APP);
        const manifest = JSON.parse(readFileSync(path.join(APP, 'package.json'), 'utf8')) as {
          dependencies?: Record<string, string>;
          devDependencies?: Record<string, string>;
        };
        for (const dependency of item.dependencies ?? []) {
          const bare = dependency.replace(/(.)@.*$/, '$1');
          expect(
            { ...manifest.dependencies, ...manifest.devDependencies },
            `${name}: npm dependency ${bare} installed`,
          ).toHaveProperty([bare]);
        }
        added.add(name);
      },
      5 * MIN,
    );
  });

  step('packages', 'installs the published packages and imports them in Node', 4 * MIN, async (context) => {
    needs(context, 'app');
    await exec(
      'install-packages',
      'npm',
      ['install', ...PACKAGES.map((name) => `@realtime-kit/${name}@0.1.0`)],
      3 * MIN,
    );
    for (const name of PACKAGES) {
      const installed = JSON.parse(
        readFileSync(path.join(APP, 'node_modules', '@realtime-kit', name, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(installed.version).toBe('0.1.0');
      expect(existsSync(path.join(APP, 'node_modules', '@realtime-kit', name, 'src')), `${name} ships no src/`).toBe(
        false,
      );
    }
    const script = `for (const name of ${JSON.stringify(PACKAGES)}) {
  const mod = await import('@realtime-kit/' + name);
  if (Object.keys(mod).length === 0) throw new Error('@realtime-kit/' + name + ' exports nothing');
  console.log('@realtime-kit/' + name + ': ' + Object.keys(mod).length + ' exports');
}`;
    await exec('node-import', process.execPath, ['--input-type=module', '-e', script], MIN);
  });

  step('page', 'renders every component on a page and typechecks the app', 4 * MIN, async (context) => {
    needs(context, 'app');
    const rendered = components.filter((item) => added.has(item.name));
    if (rendered.length === 0) context.skip('no component was added');
    const imports: string[] = [];
    const sections: string[] = [];
    for (const item of rendered) {
      const file = (builtItem(item.name).files ?? []).find(
        (candidate) => /\.tsx$/.test(candidate.path) && path.basename(candidate.path, '.tsx') === item.name,
      );
      expect(file, `${item.name} ships ${item.name}.tsx`).toBeDefined();
      const { jsx, tag } = renderJsx(item.name);
      mkdirSync(path.join(APP, 'components'), { recursive: true });
      imports.push(importOf(item, file!, tag, path.join(APP, 'components')));
      sections.push(
        `      <section aria-label="${item.name}" className="flex flex-col gap-2">\n        <h2 className="text-sm font-medium">${item.name}</h2>\n        ${jsx}\n      </section>`,
      );
    }
    mkdirSync(path.join(APP, 'components'), { recursive: true });
    writeFileSync(path.join(APP, 'components', 'realtime-shell.tsx'), REALTIME_SHELL);
    imports.push(`import { RealtimeShell } from '@/components/realtime-shell';`);
    writeFileSync(
      path.join(APP, 'app', 'page.tsx'),
      `${imports.join('\n')}

export default function Home() {
  return (
    <main className="flex flex-col gap-8 p-8">
${sections.join('\n')}
    </main>
  );
}
`,
    );
    await exec('next-typegen', 'npx', ['next', 'typegen'], 2 * MIN);
    await exec('tsc', 'npx', ['tsc', '--noEmit'], 3 * MIN);
  });

  step('build', 'builds the app with next build', 8 * MIN, async (context) => {
    needs(context, 'app', 'page');
    await exec('next-build', 'npx', ['next', 'build'], 7 * MIN);
    expect(existsSync(path.join(APP, '.next', 'server', 'app', 'index.html')), 'the page was prerendered').toBe(true);
  });

  it.for(components.map((item) => item.name))('prerenders %s (its data-slot is in the HTML)', (name, context) => {
    needs(context, 'app', 'page', 'build');
    if (!added.has(name)) context.skip(`${name} was not added`);
    const html = readFileSync(path.join(APP, '.next', 'server', 'app', 'index.html'), 'utf8');
    const source = (builtItem(name).files ?? []).map((file) => file.content ?? '').join('\n');
    // Convention: a component's root element has data-slot="<item name>"; otherwise take its first data-slot.
    const slot = source.includes(`data-slot="${name}"`) ? name : /data-slot="([\w-]+)"/.exec(source)?.[1];
    expect(slot, `${name} has a data-slot attribute`).toBeDefined();
    expect(html).toContain(`data-slot="${slot}"`);
  });
});

describe('a new user installs realtime-kit into a fresh Vite React app', () => {
  step(
    'vite-app',
    `creates a Vite React app with ${CREATE_VITE}, Tailwind and the @/ alias, as shadcn's Vite guide says`,
    6 * MIN,
    async (context) => {
      needs(context, 'publish');
      await exec(
        'create-vite',
        'npx',
        ['--yes', CREATE_VITE, 'app-vite', '--template', 'react-ts', '--no-interactive'],
        3 * MIN,
        TMP,
      );
      expect(existsSync(path.join(VITE_APP, 'src', 'main.tsx'))).toBe(true);
      writeFileSync(
        path.join(VITE_APP, '.npmrc'),
        `registry=${registry!.url}\n@realtime-kit:registry=${registry!.url}\n`,
      );
      const withAlias = (file: string) => {
        const target = path.join(VITE_APP, file);
        // The templates' tsconfig files carry comments: strip them before parsing.
        const json = JSON.parse(readFileSync(target, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')) as {
          compilerOptions?: Record<string, unknown>;
        };
        json.compilerOptions = { ...json.compilerOptions, paths: { '@/*': ['./src/*'] } };
        writeFileSync(target, `${JSON.stringify(json, null, 2)}\n`);
      };
      withAlias('tsconfig.json');
      withAlias('tsconfig.app.json');
      writeFileSync(
        path.join(VITE_APP, 'vite.config.ts'),
        `import { fileURLToPath, URL } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
});
`,
      );
      writeFileSync(path.join(VITE_APP, 'src', 'index.css'), `@import "tailwindcss";\n`);
      writeFileSync(
        path.join(VITE_APP, 'components.json'),
        `${JSON.stringify(
          {
            $schema: 'https://ui.shadcn.com/schema.json',
            style: 'new-york',
            rsc: false,
            tsx: true,
            tailwind: { config: '', css: 'src/index.css', baseColor: '', cssVariables: true, prefix: '' },
            iconLibrary: 'lucide',
            aliases: {
              components: '@/components',
              utils: '@/lib/utils',
              ui: '@/components/ui',
              lib: '@/lib',
              hooks: '@/hooks',
            },
            // The namespace the README documents: `shadcn add @realtime-kit/<item>`, `shadcn search @realtime-kit`.
            registries: { '@realtime-kit': `${REGISTRY_URL}/{name}.json` },
          },
          null,
          2,
        )}\n`,
      );
      mkdirSync(path.join(VITE_APP, 'src', 'lib'), { recursive: true });
      writeFileSync(path.join(VITE_APP, 'src', 'lib', 'utils.ts'), UTILS_SOURCE);
      await exec(
        'vite-install',
        'npm',
        ['install', 'tailwindcss', '@tailwindcss/vite', 'clsx', 'tailwind-merge'],
        4 * MIN,
        VITE_APP,
      );
    },
  );

  step(
    'vite-search',
    'finds every item with `shadcn search @realtime-kit` and shows one with `shadcn view`',
    3 * MIN,
    async (context) => {
      needs(context, 'vite-app');
      const listed = await exec(
        'vite-search',
        'npx',
        ['--yes', SHADCN, 'search', '@realtime-kit', '--json'],
        2 * MIN,
        VITE_APP,
      );
      const found = JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))) as {
        items: { name: string; addCommandArgument?: string }[];
      };
      expect(found.items.map((item) => item.addCommandArgument).sort()).toEqual(
        items.map((item) => `@realtime-kit/${item.name}`).sort(),
      );

      const searched = await exec(
        'vite-search-query',
        'npx',
        ['--yes', SHADCN, 'search', '@realtime-kit', '--query', 'tic-tac-toe', '--json'],
        2 * MIN,
        VITE_APP,
      );
      const matches = JSON.parse(searched.stdout.slice(searched.stdout.indexOf('{'))) as { items: { name: string }[] };
      expect(matches.items[0]?.name).toBe('tic-tac-toe');

      const viewed = await exec(
        'vite-view',
        'npx',
        ['--yes', SHADCN, 'view', '@realtime-kit/chat-room'],
        2 * MIN,
        VITE_APP,
      );
      const [shown] = JSON.parse(viewed.stdout.slice(viewed.stdout.indexOf('['))) as RegistryItem[];
      expect(shown?.name).toBe('chat-room');
      expect(shown?.files?.map((file) => file.path)).toEqual(builtItem('chat-room').files?.map((file) => file.path));
      expect(shown?.files?.every((file) => (file.content ?? '').length > 0)).toBe(true);
    },
  );

  step(
    'vite-add',
    'adds every registry item by its @realtime-kit/ name in one `shadcn add`',
    6 * MIN,
    async (context) => {
      needs(context, 'vite-app');
      const names = itemsToAdd.map((item) => `@realtime-kit/${item.name}`);
      const { output } = await exec(
        'vite-add',
        'npx',
        ['--yes', SHADCN, 'add', ...names, '--yes', '--overwrite'],
        5 * MIN,
        VITE_APP,
      );
      expect(output).not.toMatch(/Something went wrong/i);
      for (const item of itemsToAdd) {
        for (const file of builtItem(item.name).files ?? []) {
          const target = path.join(VITE_APP, installedPath(file, 'src'));
          expect(existsSync(target), `${item.name}: ${path.relative(VITE_APP, target)} exists`).toBe(true);
          expect(readFileSync(target, 'utf8'), `${item.name}: imports rewritten`).not.toContain('@/registry/');
        }
        for (const primitive of primitivesOf(item))
          expectPrimitiveInstalled(item.name, primitive, path.join(VITE_APP, 'src'));
      }
    },
  );

  step(
    'vite-build',
    "renders every component in App.tsx, typechecks with the template's tsc -b and builds with vite build",
    6 * MIN,
    async (context) => {
      needs(context, 'vite-add');
      const imports: string[] = [];
      const sections: string[] = [];
      const slots: Record<string, string> = {};
      for (const item of components) {
        const file = (builtItem(item.name).files ?? []).find(
          (candidate) => /\.tsx$/.test(candidate.path) && path.basename(candidate.path, '.tsx') === item.name,
        );
        expect(file, `${item.name} ships ${item.name}.tsx`).toBeDefined();
        const { jsx, tag } = renderJsx(item.name);
        mkdirSync(path.join(VITE_APP, 'src', 'components'), { recursive: true });
        imports.push(importOf(item, file!, tag, path.join(VITE_APP, 'src', 'components')));
        sections.push(`      <section aria-label="${item.name}">\n        ${jsx}\n      </section>`);
        const source = (builtItem(item.name).files ?? []).map((entry) => entry.content ?? '').join('\n');
        const slot = source.includes(`data-slot="${item.name}"`) ? item.name : /data-slot="([\w-]+)"/.exec(source)?.[1];
        if (slot) slots[item.name] = slot;
      }
      mkdirSync(path.join(VITE_APP, 'src', 'components'), { recursive: true });
      writeFileSync(path.join(VITE_APP, 'src', 'components', 'realtime-shell.tsx'), REALTIME_SHELL);
      imports.push(`import { RealtimeShell } from '@/components/realtime-shell';`);
      writeFileSync(
        path.join(VITE_APP, 'src', 'App.tsx'),
        `${imports.join('\n')}

export default function App() {
  return (
    <main className="flex flex-col gap-8 p-8">
${sections.join('\n')}
    </main>
  );
}
`,
      );
      await exec(
        'vite-install-packages',
        'npm',
        ['install', '@realtime-kit/core@0.1.0', '@realtime-kit/react@0.1.0'],
        3 * MIN,
        VITE_APP,
      );
      await exec('vite-build', 'npm', ['run', 'build'], 5 * MIN, VITE_APP);
      const assets = path.join(VITE_APP, 'dist', 'assets');
      const bundle = readdirSync(assets)
        .filter((file) => file.endsWith('.js'))
        .map((file) => readFileSync(path.join(assets, file), 'utf8'))
        .join('\n');
      for (const [name, slot] of Object.entries(slots))
        expect(bundle, `${name}'s data-slot is in the bundle`).toContain(slot);
    },
  );
});
