/**
 * A throwaway npm registry (verdaccio) on a free loopback port: `@realtime-kit/*` is local only (publish
 * allowed, never proxied), everything else is proxied to the machine's own npm registry.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService } from './process.ts';
import { freePort } from './static-server.ts';

export interface Registry {
  url: string;
  /** `//127.0.0.1:<port>/`, the prefix npm uses for per-registry settings such as `:_authToken`. */
  nerf: string;
  stop: () => Promise<void>;
  /** Creates a user through the CouchDB endpoint npm uses, and returns its token. */
  addUser: (name: string, password: string) => Promise<string>;
}

export async function startRegistry(options: {
  dir: string;
  uplink: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
}): Promise<Registry> {
  const port = await freePort();
  const storage = path.join(options.dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const config = {
    storage,
    auth: { htpasswd: { file: path.join(options.dir, 'htpasswd'), max_users: 10 } },
    uplinks: { upstream: { url: options.uplink, timeout: '120s', max_fails: 10, fail_timeout: '10s' } },
    packages: {
      '@realtime-kit/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
      '**': { access: '$all', publish: '$authenticated', proxy: 'upstream' },
    },
    server: { keepAliveTimeout: 60 },
    max_body_size: '100mb',
    web: { enable: false },
    log: { type: 'stdout', format: 'pretty', level: 'warn' },
  };
  const configFile = path.join(options.dir, 'config.yaml');
  writeFileSync(configFile, JSON.stringify(config, null, 2)); // JSON is YAML

  const runner = fileURLToPath(new URL('./verdaccio-runner.mjs', import.meta.url));
  const service = await startService(process.execPath, [runner, configFile, String(port)], {
    cwd: options.dir,
    env: options.env,
    timeoutMs: 60_000,
    logDir: options.logDir,
    label: 'verdaccio',
    ready: /READY http/,
  });
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    nerf: `//127.0.0.1:${port}/`,
    stop: service.stop,
    async addUser(name, password) {
      const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password, type: 'user', roles: [], date: new Date().toISOString() }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { token?: string; error?: string };
      if (!response.ok || !body.token)
        throw new Error(`creating user ${name} failed: ${response.status} ${JSON.stringify(body)}`);
      return body.token;
    },
  };
}
