// Registry code is copied into users' shadcn apps, so it must look like shadcn's own: formatted with
// registry/prettier.config.mjs (double quotes, no semicolons, shadcn's import order, sorted Tailwind classes).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fix = 'Run `pnpm registry:format` at the repo root.';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(file);
      return /\.(ts|tsx|mjs|css)$/.test(entry.name) ? [file] : [];
    }),
  );
  return nested.flat();
}

describe('registry formatting', () => {
  it('is what registry/prettier.config.mjs writes, file by file', async () => {
    const files = await sourceFiles(path.join(root, 'registry'));
    expect(files.length).toBeGreaterThan(20);
    const unformatted: string[] = [];
    for (const file of files) {
      const options = await prettier.resolveConfig(file, { editorconfig: false });
      expect(options?.semi, `${path.relative(root, file)} finds the registry's prettier config`).toBe(false);
      const source = await readFile(file, 'utf8');
      if (!(await prettier.check(source, { ...options, filepath: file }))) unformatted.push(path.relative(root, file));
    }
    expect(unformatted, fix).toEqual([]);
  });
});
