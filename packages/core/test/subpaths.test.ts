// Every subpath of the package resolves in both worlds: `source` (Vite, Storybook, tests) names a file that exists,
// and the dist file of `import` is what tsup builds from that same source. Catches a move that forgets one of them.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import tsupConfig from '../tsup.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  exports: Record<string, string | { types: string; source: string; import: string; default: string }>;
  publishConfig: { exports: Record<string, unknown> };
};
const entries = (tsupConfig as { entry: Record<string, string> }).entry;
const subpaths = Object.entries(manifest.exports).filter(
  (entry): entry is [string, Exclude<(typeof entry)[1], string>] => typeof entry[1] !== 'string',
);

describe('package subpaths', () => {
  it.each(subpaths)('%s: its source exists and tsup builds its dist entry from it', (_subpath, target) => {
    expect(existsSync(`${root}${target.source}`), target.source).toBe(true);
    const entry = target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
    expect(`./${entries[entry]}`).toBe(target.source);
    expect(target.types).toBe(`./dist/${entry}.d.ts`);
    expect(target.default).toBe(target.import);
  });

  it('publishes the same subpaths', () => {
    expect(Object.keys(manifest.publishConfig.exports)).toEqual(Object.keys(manifest.exports));
  });

  it('keeps /sse-transport as an alias of /sse', () => {
    expect(manifest.exports['./sse']).toBeDefined();
    expect(manifest.exports['./sse-transport']).toEqual(manifest.exports['./sse']);
    expect(manifest.publishConfig.exports['./sse-transport']).toEqual(manifest.publishConfig.exports['./sse']);
  });
});
