/**
 * Builds a browser page from a TSX entry that imports registry items, in memory: esbuild for the script (registry
 * sources and shadcn's primitives resolved through registry/aliases.ts, as Storybook's vite config does;
 * @realtime-kit/* from their built dist, as an app installing them gets), Tailwind v4 for the styles (the
 * registry's theme tokens, utilities from the files actually bundled). No files are written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { compile, optimize } from '@tailwindcss/node';
import { Scanner } from '@tailwindcss/oxide';

import { registryAliases } from '../../../registry/aliases.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const registryDir = path.join(repoRoot, 'registry');

export interface PageBundle {
  readonly js: string;
  readonly css: string;
  /** The source files scanned for Tailwind classes: the entry and the registry files it reached. */
  readonly sources: readonly string[];
}

const aliases = Object.entries(registryAliases(repoRoot));

/**
 * `@/registry/…`, `@/components/ui/…` and `@/lib/utils` → the repo's files (registry/aliases.ts), resolved like any
 * relative import (extensions, index files).
 */
const registryAlias: Plugin = {
  name: 'registry-alias',
  setup(context) {
    context.onResolve({ filter: /^@\/(registry|components\/ui|lib\/utils)(\/|$)/ }, async (args) => {
      const match = aliases.find(([prefix]) => args.path === prefix || args.path.startsWith(`${prefix}/`));
      if (!match) return undefined;
      const [prefix, target] = match;
      const rest = args.path.slice(prefix.length).replace(/^\//, '');
      const resolveDir = rest === '' ? path.dirname(target) : target;
      const request = `./${rest === '' ? path.basename(target) : rest}`;
      const result = await context.resolve(request, { kind: args.kind, resolveDir });
      return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
    });
  },
};

/**
 * @param entry  the page's TSX entry
 * @param html   the HTML shell, scanned for classes too
 */
export async function buildPage(entry: string, html: string): Promise<PageBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    // React's development build: its warnings reach the console the test collects.
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [registryAlias],
    outdir: '/out',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  if (!js) throw new Error(`esbuild produced no script for ${entry}`);

  const sources = Object.keys(result.metafile.inputs)
    .map((input) => path.resolve(input))
    .filter((file) => file === path.resolve(entry) || file.startsWith(registryDir + path.sep));

  const compiler = await compile(
    `@import "tailwindcss";\n@import ${JSON.stringify(path.join(registryDir, 'realtime/styles/theme.css'))};\n`,
    { base: repoRoot, onDependency: () => {} },
  );
  const scanner = new Scanner({ sources: [] });
  const candidates = scanner.scanFiles([
    ...sources.map((file) => ({ content: readFileSync(file, 'utf8'), extension: path.extname(file).slice(1) })),
    { content: html, extension: 'html' },
  ]);
  const css = optimize(compiler.build(candidates)).code;
  return { js: js.text, css, sources };
}
