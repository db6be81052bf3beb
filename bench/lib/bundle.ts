import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The bench package's directory: entries are resolved from here, so they see bench's node_modules. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Always external: the app already ships React, so no row counts it. */
const REACT_EXTERNALS: readonly string[] = ['react', 'react-dom', 'react/jsx-runtime', 'react/jsx-dev-runtime'];

export interface BundleOptions {
  /** More modules to leave out of the bundle (e.g. `motion`, `lucide-react`, `socket.io-client`). Subpaths are matched too. */
  readonly external?: readonly string[];
  /** Import-path rewrites, esbuild's `alias` (e.g. `{ '@/registry': '/work/main/registry' }`). */
  readonly alias?: Readonly<Record<string, string>>;
  /** The directory the entry's imports are resolved from. Default: bench/. */
  readonly resolveDir?: string;
  /**
   * What `process.env.NODE_ENV` is replaced with. Default `'production'`, what apps ship; `'development'` keeps the
   * development-only error messages, which tree-shaking checks use as markers.
   */
  readonly nodeEnv?: 'production' | 'development';
}

export interface BundleInput {
  /** The input file, relative to the working directory as esbuild reports it. */
  readonly path: string;
  /** Minified bytes this input contributes to the output. */
  readonly bytes: number;
}

export interface BundleSize {
  /** Bytes of the minified bundle. */
  readonly minBytes: number;
  /** Bytes of the minified bundle after gzip level 9. */
  readonly gzipBytes: number;
  /** The minified bundle. */
  readonly text: string;
  /** Every input that kept bytes in the output, largest first (from esbuild's metafile). */
  readonly inputs: readonly BundleInput[];
}

/**
 * Bundles a small ESM entry given as source text, the way an app's bundler would ship it: minified ESM for the
 * browser, React external, the default export conditions (`import`, `browser`, `default` — never `source`, so
 * workspace packages are measured from their built `dist/`).
 *
 * @example
 * const { gzipBytes } = await bundleSize("export { useSSE } from '@realtime-kit/react';");
 */
export async function bundleSize(entrySource: string, options: BundleOptions = {}): Promise<BundleSize> {
  const result = await build({
    stdin: {
      contents: entrySource,
      resolveDir: options.resolveDir ?? BENCH_DIR,
      loader: 'tsx',
      sourcefile: 'entry.tsx',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': JSON.stringify(options.nodeEnv ?? 'production') },
    external: [...REACT_EXTERNALS, ...(options.external ?? []).flatMap((name) => [name, `${name}/*`])],
    alias: { ...options.alias },
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('bundleSize: esbuild produced no output.');
  const bytes = output.contents;
  const outputMeta = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(outputMeta?.inputs ?? {})
    .map(([path, meta]) => ({ path, bytes: meta.bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    minBytes: bytes.byteLength,
    gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
    text: output.text,
    inputs,
  };
}

/** `inputs` as a short footnote: the `count` largest, `path (bytes B)`, with node_modules prefixes trimmed. */
export function describeInputs(inputs: readonly BundleInput[], count = 5): string {
  return inputs
    .slice(0, count)
    .map((input) => `${input.path.replace(/^.*node_modules\//, '')} (${input.bytes} B)`)
    .join(', ');
}
