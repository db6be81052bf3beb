/**
 * A quickstart (docs/quickstarts/*.md) as the files a reader would copy: every fenced block whose info string names
 * a file (```ts title="server/main.ts"```) is one file of the app, and every `npm i` line in a `sh` block is part of
 * the install order. The quickstart tests write these files into a fresh directory, type-check and run them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

export interface Quickstart {
  /** Path → content, in the order the document shows them. */
  readonly files: ReadonlyMap<string, string>;
  /** The packages of every `npm i` / `npm install` line, in order (dev dependencies included). */
  readonly installs: readonly string[];
  /** The `sh` blocks' lines, as written. */
  readonly commands: readonly string[];
}

const FENCE = /^```([^\n]*)\n([\s\S]*?)^```$/gm;

export function readQuickstart(file: string): Quickstart {
  const markdown = readFileSync(file, 'utf8');
  const files = new Map<string, string>();
  const commands: string[] = [];
  for (const match of markdown.matchAll(FENCE)) {
    const info = match[1] ?? '';
    const body = match[2] ?? '';
    const title = /title="([^"]+)"/.exec(info)?.[1];
    if (title !== undefined) {
      if (files.has(title)) throw new Error(`${file}: two blocks are titled ${title}`);
      files.set(title, body);
    } else if (/^(sh|bash)\b/.test(info)) {
      commands.push(...body.split('\n').filter((line) => line.trim() !== ''));
    }
  }
  const installs = commands
    .map((line) => /^npm (?:i|install)\b(.*)$/.exec(line.trim())?.[1])
    .filter((rest): rest is string => rest !== undefined)
    .flatMap((rest) => rest.trim().split(/\s+/))
    .filter((word) => word !== '' && !word.startsWith('-'));
  return { files, installs, commands };
}

/** The package a bare import specifier comes from (`@scope/name/sub` → `@scope/name`), or null for relative/builtin. */
function packageOf(specifier: string): string | null {
  // Relative paths, Node's own modules and the app's `@/` alias (create-next-app's `@/*`) are no packages.
  if (/^(\.|\/|node:|@\/)/.test(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier);
  return builtinModules.includes(name) ? null : name;
}

/** Every package the quickstart's code files import (static imports and `import type`). */
export function importedPackages(quickstart: Quickstart): Set<string> {
  const packages = new Set<string>();
  for (const [name, content] of quickstart.files) {
    if (!/\.(m?[jt]sx?)$/.test(name)) continue;
    for (const match of content.matchAll(/^\s*import\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const pkg = packageOf(match[1] ?? '');
      if (pkg !== null) packages.add(pkg);
    }
  }
  return packages;
}

/** Writes the quickstart's files, then `extra` (what a template such as create-vite gives), into a fresh `dir`. */
export function writeApp(dir: string, quickstart: Quickstart, extra: Record<string, string> = {}): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, content] of [...Object.entries(extra), ...quickstart.files]) {
    const target = path.join(dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}
