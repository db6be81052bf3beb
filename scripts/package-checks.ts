// Package checks shared by @realtime-kit/{core,react,server}: each package's test/package.test.ts
// calls `describePackageChecks` once. They check the tarball `pnpm pack` produces — what npm users
// get — not the workspace package.json, which carries dev-only conditions and `workspace:` ranges.
//
// publint and @arethetypeswrong/core are devDependencies of the packages, not of the repo root, so
// the test passes them in (`tools`): this file cannot resolve them from scripts/.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface PublintMessage {
  code: string;
  type: 'suggestion' | 'warning' | 'error';
  path: string[];
  args: unknown;
}

interface AttwProblem {
  kind: string;
  entrypoint?: string;
  resolutionKind?: string;
}

type AttwResult =
  | { types: false }
  | {
      types: object;
      problems: AttwProblem[];
      entrypoints: Record<string, { resolutions: Record<string, { visibleProblems?: number[] }> }>;
    };

/** The functions the checks need, imported by the calling test from `publint`, `publint/utils` and `@arethetypeswrong/core`. */
interface PackageCheckTools<Package> {
  publint(options: {
    pack: { tarball: ArrayBuffer };
    level: 'warning';
  }): Promise<{ messages: PublintMessage[]; pkg: Record<string, unknown> }>;
  formatMessage(message: PublintMessage, pkg: Record<string, unknown>): string | undefined;
  createPackageFromTarballData(tarball: Uint8Array): Package;
  checkPackage(pkg: Package): Promise<AttwResult>;
}

export interface PackageCheckOptions<Package> {
  /** The package directory (the one holding package.json). */
  pkgDir: string;
  /** Client packages must start every exported JS entry with `'use client';`; the others must not contain it at all. */
  client: boolean;
  tools: PackageCheckTools<Package>;
}

/**
 * The resolution modes `attw --profile esm-only` ignores: an ESM-only package is expected to fail
 * under `node10` (no `exports`) and to need a dynamic import from CommonJS under `node16`.
 */
const ESM_ONLY_IGNORED_RESOLUTIONS = ['node10', 'node16-cjs'];

interface Packed {
  tarball: Uint8Array;
  files: string[];
  manifest: Record<string, unknown>;
  read(file: string): Promise<string>;
}

/** Registers the package checks for one package: built, packed clean, publint, attw (esm-only), directives. */
export function describePackageChecks<Package>({ pkgDir, client, tools }: PackageCheckOptions<Package>): void {
  describe('published package', () => {
    let packed: Packed;
    let workDir: string | undefined;

    beforeAll(async () => {
      await assertBuilt(pkgDir);
      workDir = await mkdtemp(path.join(tmpdir(), 'realtime-kit-pack-'));
      packed = await pack(pkgDir, workDir);
    }, 120_000);

    afterAll(async () => {
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it('packs only dist and package metadata', () => {
      const stray = packed.files.filter(
        (file) => !/^(dist\/|package\.json$|README\.md$|LICENSE(\.md)?$|CHANGELOG\.md$)/.test(file),
      );
      expect(stray, 'files outside dist/ in the tarball').toEqual([]);
      expect(packed.files).toContain('dist/index.js');
      expect(JSON.stringify(packed.manifest), 'workspace: ranges must be rewritten by pnpm pack').not.toContain(
        'workspace:',
      );
    });

    it('declares "type": "module" and "sideEffects": false', () => {
      expect(packed.manifest.type).toBe('module');
      expect(packed.manifest.sideEffects).toBe(false);
    });

    it('passes publint with no errors or warnings', async () => {
      const { messages, pkg } = await tools.publint({
        pack: { tarball: toArrayBuffer(packed.tarball) },
        level: 'warning',
      });
      const problems = messages.map(
        (message) => `${message.type} ${message.code}: ${tools.formatMessage(message, pkg) ?? message.path.join('.')}`,
      );
      expect(problems).toEqual([]);
    }, 60_000);

    it('has types that resolve for ESM consumers (attw, esm-only profile)', async () => {
      const result = await tools.checkPackage(tools.createPackageFromTarballData(packed.tarball));
      expect(result.types, 'attw found no type declarations').not.toBe(false);
      if (result.types === false) return;
      const problems = relevantProblems(result).map((problem) => JSON.stringify(problem));
      expect(problems).toEqual([]);
    }, 60_000);

    it(client ? "starts every exported JS entry with 'use client'" : "contains no 'use client' directive", async () => {
      const entries = exportedFiles(packed.manifest).filter((file) => /\.(c|m)?js$/.test(file));
      expect(entries.length, 'exports lists no JS entry').toBeGreaterThan(0);
      if (client) {
        for (const entry of entries) {
          const firstLine = (await packed.read(entry)).split('\n', 1)[0];
          expect(firstLine, `${entry} must start with the directive (tsup drops it; keep the banner)`).toBe(
            "'use client';",
          );
        }
      } else {
        for (const file of packed.files.filter((name) => /\.(c|m)?js$/.test(name))) {
          const directive = /^\s*['"]use client['"]/m.test(await packed.read(file));
          expect(directive, `${file} must not be a client module`).toBe(false);
        }
      }
    });
  });
}

/** attw problems that matter under the esm-only profile. */
function relevantProblems(result: Exclude<AttwResult, { types: false }>): AttwProblem[] {
  const visibleIn = (index: number, kinds: (kind: string) => boolean) =>
    Object.values(result.entrypoints).some((entrypoint) =>
      Object.entries(entrypoint.resolutions).some(
        ([kind, resolution]) => kinds(kind) && resolution.visibleProblems?.includes(index),
      ),
    );
  return result.problems.filter((problem, index) => {
    if (problem.resolutionKind) return !ESM_ONLY_IGNORED_RESOLUTIONS.includes(problem.resolutionKind);
    // Problems not tied to one mode (false CJS/ESM, internal resolution errors) count unless they show only in ignored modes.
    return visibleIn(index, (kind) => !ESM_ONLY_IGNORED_RESOLUTIONS.includes(kind)) || !visibleIn(index, () => true);
  });
}

/** Fails early, with the fix, when dist is missing or older than src: the checks must never pass on a stale build. */
async function assertBuilt(pkgDir: string): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const name = String(manifest.name);
  const published = (manifest.publishConfig as { exports?: unknown } | undefined)?.exports ?? manifest.exports;
  const files = exportedFiles({ exports: published }).filter((file) => file.startsWith('dist/'));
  const fix = `Build it first: \`pnpm --filter ${name} build\` (turbo: make ${name}#test depend on its own build).`;
  const missing: string[] = [];
  let oldestBuild = Number.POSITIVE_INFINITY;
  for (const file of files) {
    const info = await stat(path.join(pkgDir, file)).catch(() => undefined);
    if (info) oldestBuild = Math.min(oldestBuild, info.mtimeMs);
    else missing.push(file);
  }
  if (missing.length > 0) throw new Error(`${name} is not built: ${missing.join(', ')} missing. ${fix}`);
  const newestSource = await newestMtime(path.join(pkgDir, 'src'));
  if (newestSource.mtimeMs > oldestBuild) {
    throw new Error(`${name}'s dist is older than ${path.relative(pkgDir, newestSource.file)}. ${fix}`);
  }
}

async function newestMtime(dir: string): Promise<{ file: string; mtimeMs: number }> {
  let newest = { file: dir, mtimeMs: 0 };
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || /\.(test|test-d|stories)\.tsx?$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { mtimeMs } = await stat(file);
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

async function pack(pkgDir: string, destination: string): Promise<Packed> {
  const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: pkgDir,
    maxBuffer: 16 * 1024 * 1024,
  });
  const report = JSON.parse(stdout) as { filename: string; files: { path: string }[] };
  const tarball = new Uint8Array(await readFile(report.filename));
  await run('tar', ['-xzf', report.filename, '-C', destination]);
  const root = path.join(destination, 'package');
  const read = (file: string) => readFile(path.join(root, file), 'utf8');
  return {
    tarball,
    files: report.files.map((file) => file.path).sort(),
    manifest: JSON.parse(await read('package.json')) as Record<string, unknown>,
    read,
  };
}

/** Every file an `exports` map points at, relative to the package root (`dist/index.js`). */
function exportedFiles(manifest: Record<string, unknown>): string[] {
  const files = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*')) files.add(value.slice(2));
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  visit(manifest.exports);
  return [...files].sort();
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
