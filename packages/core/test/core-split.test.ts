import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test(-d)?\.ts$/.test(name) ? [path] : [];
  });
}

describe('@realtime-kit/core runs in plain Node: no window, no document, no React', () => {
  it('has no DOM globals in this environment (so the checks below mean something)', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
  });

  it('imports the source entry and the test kit, and runs a connection with the default network', async () => {
    const core = await import('../src/index.js');
    const testing = await import('../src/testing/index.js');
    expect(Object.keys(core).sort()).toEqual(
      expect.arrayContaining(['createSSEConnection', 'createStore', 'RealtimeError', 'backoff', 'browserNetwork']),
    );
    expect(core.browserNetwork.isOnline()).toBe(true);
    const server = testing.createSSETestServer();
    const connection = core.createSSEConnection<{ n: number }>('/split', { fetch: server.fetch });
    const received: number[] = [];
    connection.on('message', (message) => received.push(message.data.n));
    await server.waitForConnections(1);
    server.send({ data: { n: 1 } });
    await vi.waitFor(() => expect(received).toEqual([1]), { timeout: 5_000 });
    expect(connection.getSnapshot().status).toBe('open');
    connection.close();
    expect(server.connections).toBe(0);
  });

  it('never imports React or touches window/document at module level', () => {
    const files = sourceFiles(join(root, 'src'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const name = relative(root, file);
      expect(source, name).not.toMatch(/from ['"](react|react-dom)(\/[^'"]*)?['"]/);
      // Module level = unindented: reading window/document there would throw on import in Node.
      expect(source, name).not.toMatch(/^(window|document)\b/m);
      expect(source, name).not.toMatch(/^(export )?(const|let|var) [^\n]*=\s*(window|document)\b/m);
      expect(source, name).not.toMatch(/^'use client'/);
    }
  });

  it('declares no React dependency', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    for (const field of ['dependencies', 'peerDependencies', 'devDependencies']) {
      expect(Object.keys(manifest[field] ?? {}).filter((name) => /^react(-dom)?$|^@types\/react/.test(name))).toEqual(
        [],
      );
    }
  });
});
