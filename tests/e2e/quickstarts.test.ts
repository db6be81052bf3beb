/**
 * The quickstarts in docs/quickstarts, as a reader would use them: the code blocks are written into a fresh app
 * directory, type-checked with the template's settings, bundled where the quickstart builds a client, and the servers
 * they describe are run and driven by real clients (token minting, the server rule, messages across instances).
 * The app directories live under tests/e2e/.quickstarts so the packages resolve from this workspace (the packed
 * packages from a registry are the install test's job).
 */
import { mkdirSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createRealtimeClient, isRealtimeError, type ChannelMessage, type RealtimeClient } from '@realtime-kit/core';
import { sseTransport } from '@realtime-kit/core/sse';
import { websocketTransport } from '@realtime-kit/core/websocket';
import { killAll, run, startService } from './lib/process.ts';
import { importedPackages, readQuickstart, writeApp, type Quickstart } from './lib/quickstart.ts';
import { startRedis } from './lib/redis-server.ts';
import { freePort } from './lib/static-server.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const WORK = path.join(HERE, '.quickstarts');
const LOGS = path.join(REPO, '.e2e-work', 'logs', 'quickstarts');
const BIN = path.join(HERE, 'node_modules', '.bin');
const MIN = 60_000;
const SECRET = 'quickstart-secret-at-least-32-bytes-long!';
const WAIT = { timeout: 10_000, interval: 20 };

mkdirSync(WORK, { recursive: true });
afterAll(() => killAll(), MIN);

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|NODE_ENV$|TEST$|NODE_OPTIONS$|TURBO_HASH$)/i.test(key)) continue;
    clean[key] = value;
  }
  return { ...clean, NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

const exec = (label: string, command: string, args: string[], cwd: string, timeoutMs = 3 * MIN) =>
  run(command, args, { cwd, env: env(), timeoutMs, logDir: LOGS, label });

/** What the reader installs covers what the code imports (`provided`: what the app's template already has). */
function expectInstallsCover(quickstart: Quickstart, provided: readonly string[]) {
  const missing = [...importedPackages(quickstart)].filter(
    (name) => !quickstart.installs.includes(name) && !provided.includes(name),
  );
  expect(missing, 'imported but never installed').toEqual([]);
  const realtimeKit = quickstart.installs.filter((name) => name.startsWith('@realtime-kit/'));
  expect(realtimeKit.length, 'the @realtime-kit packages are installed').toBeGreaterThan(0);
}

/** The components.json block: offline-safe `baseColor` and the `@realtime-kit` namespace. */
function expectComponentsJson(quickstart: Quickstart) {
  const json = JSON.parse(quickstart.files.get('components.json') ?? 'null') as {
    tailwind?: { baseColor?: string };
    registries?: Record<string, string>;
  } | null;
  expect(json?.tailwind?.baseColor).toBe('');
  expect(json?.registries?.['@realtime-kit']).toMatch(/\/r\/\{name\}\.json$/);
}

async function fetchToken(origin: string, user?: string): Promise<Response> {
  return fetch(`${origin}/api/realtime-token`, { headers: user ? { cookie: `user=${encodeURIComponent(user)}` } : {} });
}

type ChatMessage = { text: string; author?: string; at?: number };

function wsClient(origin: string, user: string): RealtimeClient {
  const url = `${origin.replace(/^http/, 'ws')}/realtime`;
  const auth = async () => {
    const response = await fetchToken(origin, user);
    return response.ok ? response.text() : null;
  };
  return createRealtimeClient({ transport: websocketTransport({ url, auth, WebSocket }) });
}

function sseClient(origin: string, user: string): RealtimeClient {
  const headers = async (): Promise<HeadersInit> => {
    const response = await fetchToken(origin, user);
    return response.ok ? { authorization: `Bearer ${await response.text()}` } : {};
  };
  return createRealtimeClient({ transport: sseTransport({ url: `${origin}/api/realtime`, headers }) });
}

/**
 * A round-robin balancer (no stickiness) in front of `upstreams`, taking turns per method (so a session's stream and
 * its POSTs spread over every instance whatever the order of requests); counts the POSTs each one gets.
 */
async function startBalancer(upstreams: readonly number[]) {
  const posts = upstreams.map(() => 0);
  const turns = new Map<string, number>();
  const server: Server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const turn = turns.get(method) ?? 0;
    turns.set(method, turn + 1);
    const index = turn % upstreams.length;
    if (incoming.method === 'POST') posts[index] = (posts[index] ?? 0) + 1;
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: upstreams[index],
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    outgoing.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Two users on the quickstart's server: one reads, one writes; the rule stamps and refuses. */
async function expectChatWorks(clients: { reader: RealtimeClient; writer: RealtimeClient }) {
  const received: ChannelMessage<ChatMessage>[] = [];
  // As the quickstarts' Room does: the newest 50 stored, then live ones.
  const reading = clients.reader.channel<{ message: ChatMessage }>('room:lobby', { rewind: 50 });
  reading.subscribe('message', (message) => received.push(message));
  await vi.waitFor(() => expect(reading.getSnapshot().subscribed).toBe(true), WAIT);
  const writing = clients.writer.channel<{ message: ChatMessage }>('room:lobby');

  await writing.publish('message', { text: '  hello from the quickstart  ', author: 'someone else' });
  await vi.waitFor(() => expect(received).toHaveLength(1), WAIT);
  expect(received[0]?.data).toEqual({ text: 'hello from the quickstart', author: 'ada', at: expect.any(Number) });

  const tooLong = await writing.publish('message', { text: 'x'.repeat(281) }).catch((error: unknown) => error);
  expect(isRealtimeError(tooLong) && [tooLong.code, tooLong.message, tooLong.details]).toEqual([
    'rejected',
    'Keep it under 280 characters',
    { max: 280 },
  ]);
  const empty = await writing.publish('message', { text: '   ' }).catch((error: unknown) => error);
  expect(isRealtimeError(empty) && empty.code).toBe('rejected');
  expect(received).toHaveLength(1);
}

describe('quickstart: Vite + a Node server (docs/quickstarts/vite-node.md)', () => {
  const quickstart = readQuickstart(path.join(REPO, 'docs', 'quickstarts', 'vite-node.md'));
  const dir = path.join(WORK, 'vite-node');

  it('installs what its code imports, and its components.json works offline with the namespace', () => {
    expectInstallsCover(quickstart, ['react', 'react-dom', 'vite', '@vitejs/plugin-react']);
    expect(quickstart.installs).toContain('tsx');
    expectComponentsJson(quickstart);
  });

  it('type-checks and builds with Vite', { timeout: 4 * MIN }, async () => {
    // What `npm create vite -- --template react-ts` gives, reduced to what the quickstart does not replace.
    writeApp(dir, quickstart, {
      'package.json': JSON.stringify({ name: 'chat', private: true, type: 'module' }),
      'index.html':
        '<!doctype html><html lang="en"><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>\n',
      'src/main.tsx': `import { StrictMode } from 'react';\nimport { createRoot } from 'react-dom/client';\nimport App from './App';\n\ncreateRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);\n`,
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          module: 'ESNext',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          isolatedModules: true,
          types: ['node', 'vite/client'],
        },
        include: ['src', 'server', 'vite.config.ts'],
      }),
    });
    await exec('vite-node-tsc', path.join(BIN, 'tsc'), ['-p', 'tsconfig.json'], dir);
    await exec('vite-node-build', path.join(BIN, 'vite'), ['build', '--logLevel', 'warn'], dir);
  });

  it('runs its server: the token route, the WebSocket endpoint and the rule', { timeout: 2 * MIN }, async () => {
    const port = await freePort();
    const server = await startService(path.join(BIN, 'tsx'), ['server/main.ts'], {
      cwd: dir,
      env: env({ PORT: String(port), REALTIME_JWT_SECRET: SECRET }),
      timeoutMs: MIN,
      logDir: LOGS,
      label: 'vite-node-server',
      ready: /realtime server on/,
    });
    const origin = `http://127.0.0.1:${port}`;
    const reader = wsClient(origin, 'grace');
    const writer = wsClient(origin, 'ada');
    try {
      expect((await fetchToken(origin)).status).toBe(401);
      await expectChatWorks({ reader, writer });
    } finally {
      reader.close();
      writer.close();
      await server.stop();
    }
  });
});

/** create-next-app's tsconfig.json, without the Next plugin (Next adds it when it starts). */
const NEXT_TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'ES2017',
    lib: ['dom', 'dom.iterable', 'esnext'],
    allowJs: true,
    skipLibCheck: true,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    module: 'esnext',
    moduleResolution: 'bundler',
    resolveJsonModule: true,
    isolatedModules: true,
    jsx: 'react-jsx',
    types: ['node'],
    paths: { '@/*': ['./*'] },
  },
  include: ['**/*.ts', '**/*.tsx'],
  exclude: ['node_modules'],
});

describe('quickstart: Next.js route handlers only (docs/quickstarts/next-route-handlers.md)', () => {
  const quickstart = readQuickstart(path.join(REPO, 'docs', 'quickstarts', 'next-route-handlers.md'));
  const dir = path.join(WORK, 'next-route-handlers');

  it('installs what its code imports, ioredis for REDIS_URL, and a components.json that works offline', () => {
    expectInstallsCover(quickstart, ['react', 'react-dom', 'next']);
    expect(quickstart.installs).toContain('ioredis');
    expectComponentsJson(quickstart);
  });

  it('type-checks with the settings create-next-app writes', { timeout: 3 * MIN }, async () => {
    writeApp(dir, quickstart, {
      'package.json': JSON.stringify({ name: 'chat', private: true }),
      'tsconfig.json': NEXT_TSCONFIG,
    });
    await exec('next-route-handlers-tsc', path.join(BIN, 'tsc'), ['-p', 'tsconfig.json'], dir);
  });

  it(
    'runs its route handlers as two instances behind a round-robin balancer over Redis: token, rule, messages',
    { timeout: 2 * MIN },
    async () => {
      const redis = await startRedis();
      const ports = [await freePort(), await freePort()];
      const instances = await Promise.all(
        ports.map((port, index) =>
          startService(
            path.join(BIN, 'tsx'),
            [
              path.join(HERE, 'lib', 'route-host.ts'),
              String(port),
              '/api/realtime=app/api/realtime/route.ts',
              '/api/realtime-token=app/api/realtime-token/route.ts',
            ],
            {
              cwd: dir,
              env: env({ REDIS_URL: redis.url, REALTIME_JWT_SECRET: SECRET }),
              timeoutMs: MIN,
              logDir: LOGS,
              label: `next-route-handlers-instance-${index}`,
              ready: /route host ready/,
            },
          ),
        ),
      );
      const balancer = await startBalancer(ports);
      const reader = sseClient(balancer.origin, 'grace');
      const writer = sseClient(balancer.origin, 'ada');
      try {
        expect((await fetchToken(balancer.origin)).status).toBe(401);
        await expectChatWorks({ reader, writer });
        // Round robin, no stickiness: both instances took POSTs of sessions one of them holds.
        expect(
          balancer.posts.every((count) => count > 0),
          `POSTs per instance: ${balancer.posts.join(', ')}`,
        ).toBe(true);
      } finally {
        reader.close();
        writer.close();
        await balancer.close();
        await Promise.all(instances.map((instance) => instance.stop()));
        await redis.stop();
      }
    },
  );
});

describe('quickstart: Next.js with the WebSocket on the same port (docs/quickstarts/next-websocket.md)', () => {
  const quickstart = readQuickstart(path.join(REPO, 'docs', 'quickstarts', 'next-websocket.md'));
  const dir = path.join(WORK, 'next-websocket');

  it('installs what its code imports, and a components.json that works offline', () => {
    expectInstallsCover(quickstart, ['react', 'react-dom', 'next']);
    expect(quickstart.installs).toContain('tsx');
    expectComponentsJson(quickstart);
  });

  it('type-checks with the settings create-next-app writes', { timeout: 3 * MIN }, async () => {
    writeApp(dir, quickstart, {
      'package.json': JSON.stringify({ name: 'chat', private: true }),
      'tsconfig.json': NEXT_TSCONFIG,
      // create-next-app's layout, without its Google font (no network here) and global CSS.
      'app/layout.tsx': `export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang="en">\n      <body>{children}</body>\n    </html>\n  );\n}\n`,
    });
    await exec('next-websocket-tsc', path.join(BIN, 'tsc'), ['-p', 'tsconfig.json'], dir);
  });

  it(
    'runs its custom server (Next in development): the page, the token route, the WebSocket and the rule',
    { timeout: 4 * MIN },
    async () => {
      const port = await freePort();
      const server = await startService(path.join(BIN, 'tsx'), ['server.ts'], {
        cwd: dir,
        env: env({ PORT: String(port), HOSTNAME: '127.0.0.1', REALTIME_JWT_SECRET: SECRET, NODE_ENV: 'development' }),
        timeoutMs: 2 * MIN,
        logDir: LOGS,
        label: 'next-websocket-server',
        ready: /ready on http/,
      });
      const origin = `http://127.0.0.1:${port}`;
      const reader = wsClient(origin, 'grace');
      const writer = wsClient(origin, 'ada');
      try {
        const page = await fetch(origin);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('aria-label="Lobby"');
        expect((await fetchToken(origin)).status).toBe(401);
        await expectChatWorks({ reader, writer });
      } finally {
        reader.close();
        writer.close();
        await server.stop();
      }
    },
  );
});
