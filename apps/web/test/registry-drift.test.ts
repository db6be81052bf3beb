import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const committedOut = path.join(root, 'apps/web/public/r');
const fix = 'Run `pnpm registry:build` at the repo root and commit registry.json and apps/web/public/r.';

let out: string;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'registry-drift-'));
  const env = { ...process.env };
  delete env.REALTIME_KIT_REGISTRY_URL; // the committed output is built with the default URL
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/registry-build.mjs'), '--out', out], {
    cwd: root,
    env,
  });
});

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('committed registry output', () => {
  it('has exactly the items registry/registry.ts defines', async () => {
    const fresh = (await readdir(out)).filter((f) => f.endsWith('.json')).sort();
    const committed = (await readdir(committedOut)).filter((f) => f.endsWith('.json')).sort();
    expect(committed, fix).toEqual(fresh);
  });

  it('matches a fresh build file by file', async () => {
    for (const file of (await readdir(out)).filter((f) => f.endsWith('.json'))) {
      const fresh = await readFile(path.join(out, file), 'utf8');
      const committed = await readFile(path.join(committedOut, file), 'utf8').catch(() => '<missing>');
      expect(committed, `apps/web/public/r/${file} is stale. ${fix}`).toBe(fresh);
    }
  });

  it('has a root registry.json generated from registry/registry.ts', async () => {
    const fresh = await readFile(path.join(out, 'registry.json'), 'utf8');
    const committed = await readFile(path.join(root, 'registry.json'), 'utf8');
    expect(committed, `registry.json is stale. ${fix}`).toBe(fresh);
  });
});
