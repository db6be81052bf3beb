#!/usr/bin/env node
/**
 * Builds the shadcn registry from its typed source (registry/registry.ts):
 *   1. validates it with shadcn's own schema, plus checks shadcn does not make (files exist, every bare
 *      import is a declared dependency, every `@/registry/...` import is a registry dependency, every
 *      `@/components/ui/<name>` import is a plain-name registry dependency on one of shadcn's primitives that
 *      registry/shadcn-ui/ vendors, so the stand-in registry of the tests can serve it);
 *   2. writes registry.json with cross-item URLs under the base URL;
 *   3. runs `shadcn build` into the output folder (one <item>.json per item, plus registry.json).
 *
 * Usage: node scripts/registry-build.mjs [--out <dir>] [--url <base>]
 *   --out  output folder (default apps/web/public/r). With --out, the root registry.json is left alone and
 *          a temporary one is built instead, so tests and e2e runs never touch committed files.
 *   --url  base URL of the served items (default $REALTIME_KIT_REGISTRY_URL, else http://localhost:3000/r).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { registrySchema } from 'shadcn/schema';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = 'apps/web/public/r';

const { values } = parseArgs({
  options: { out: { type: 'string' }, url: { type: 'string' } },
  allowPositionals: false,
});

const { DEFAULT_REGISTRY_URL, defineRegistry } = await tsImport('../registry/registry.ts', import.meta.url);
const { shadcnPrimitives } = await tsImport('../registry/shadcn-ui/registry.ts', import.meta.url);
const primitiveNames = new Set(shadcnPrimitives.map((item) => item.name));
const baseUrl = (values.url ?? process.env.REALTIME_KIT_REGISTRY_URL ?? DEFAULT_REGISTRY_URL).replace(/\/+$/, '');
const outDir = path.resolve(root, values.out ?? DEFAULT_OUT);

const registry = defineRegistry(baseUrl);
const parsed = registrySchema.safeParse(registry);
if (!parsed.success) fail(`registry/registry.ts does not match shadcn's registry schema:\n${parsed.error.message}`);
checkItems(registry, baseUrl);

// With --out, build from a temporary registry.json: the committed one always carries the default URL.
const registryFile = values.out
  ? path.join(mkdtempSync(path.join(tmpdir(), 'realtime-registry-')), 'registry.json')
  : path.join(root, 'registry.json');
writeFileSync(registryFile, `${JSON.stringify(registry, null, 2)}\n`);

// Start from an empty folder so a removed item does not linger in the output.
if (existsSync(outDir))
  for (const file of readdirSync(outDir)) if (file.endsWith('.json')) rmSync(path.join(outDir, file));
mkdirSync(outDir, { recursive: true });

const shadcn = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'shadcn.cmd' : 'shadcn');
const result = spawnSync(shadcn, ['build', registryFile, '--output', outDir, '--cwd', root], {
  cwd: root,
  encoding: 'utf8',
});
if (result.status !== 0 || /Something went wrong/.test(result.stdout + result.stderr)) {
  fail(`shadcn build failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
}
if (values.out) rmSync(path.dirname(registryFile), { recursive: true, force: true });

const built = readdirSync(outDir).filter((file) => file.endsWith('.json'));
for (const item of registry.items) {
  if (!built.includes(`${item.name}.json`)) fail(`shadcn build did not write ${item.name}.json`);
}
console.log(`registry: ${registry.items.length} items → ${path.relative(root, outDir) || '.'} (base URL ${baseUrl})`);

/** The checks shadcn's schema cannot make: files exist, and imports match the declared dependencies. */
function checkItems(registry, baseUrl) {
  const names = new Set(registry.items.map((item) => item.name));
  const fileToItem = new Map();
  for (const item of registry.items)
    for (const file of item.files ?? []) fileToItem.set(file.path.replace(/\.tsx?$/, ''), item.name);

  const problems = [];
  // The shadcn CLI rewrites an item's imports to the files it installs by matching file names (a .tsx before a .ts),
  // across every item of one `add`: two files with one name would have their imports crossed.
  const byName = new Map();
  for (const item of registry.items) {
    for (const file of item.files ?? []) {
      const name = path.basename(file.path).replace(/\.[jt]sx?$/, '');
      const other = byName.get(name);
      if (other && other !== file.path)
        problems.push(`${file.path} and ${other} share the name "${name}": the shadcn CLI would mix up their imports`);
      byName.set(name, file.path);
    }
  }
  for (const item of registry.items) {
    // A dependency may carry a version range (`ai@^7`): the import names the package alone.
    const deps = new Set((item.dependencies ?? []).map((dependency) => dependency.replace(/(.)@.*$/, '$1')));
    const registryDeps = new Set(item.registryDependencies ?? []);
    for (const dep of registryDeps) {
      if (!/^https?:/.test(dep)) {
        // A plain name is one of shadcn's own items, fetched from ui.shadcn.com (or the tests' stand-in).
        if (!primitiveNames.has(dep))
          problems.push(
            `${item.name}: registry dependency ${dep} is not a shadcn primitive vendored in registry/shadcn-ui/registry.ts`,
          );
        continue;
      }
      const name = dep.startsWith(`${baseUrl}/`) ? dep.slice(baseUrl.length + 1).replace(/\.json$/, '') : null;
      if (name === null || !names.has(name))
        problems.push(`${item.name}: registry dependency ${dep} is not an item of this registry`);
    }
    for (const file of item.files ?? []) {
      const absolute = path.join(root, file.path);
      if (!existsSync(absolute)) {
        problems.push(`${item.name}: ${file.path} does not exist`);
        continue;
      }
      const source = readFileSync(absolute, 'utf8');
      for (const [, specifier] of source.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        if (specifier.startsWith('.')) {
          problems.push(
            `${item.name}: relative import ${specifier} (use @/registry/realtime/... so shadcn can rewrite it)`,
          );
        } else if (specifier.startsWith('@/registry/')) {
          const target = fileToItem.get(specifier.slice(2));
          if (!target) problems.push(`${item.name}: imports ${specifier}, which no item ships`);
          else if (target !== item.name && !registryDeps.has(`${baseUrl}/${target}.json`)) {
            problems.push(`${item.name}: imports ${specifier} but does not list ${target} in registryDependencies`);
          }
        } else if (specifier.startsWith('@/components/ui/')) {
          const primitive = specifier.slice('@/components/ui/'.length);
          if (!registryDeps.has(primitive))
            problems.push(
              `${item.name}: imports ${specifier} but does not list "${primitive}" in registryDependencies`,
            );
        } else if (specifier.startsWith('@/')) {
          problems.push(
            `${item.name}: imports ${specifier}, which shadcn cannot map (use @/registry/realtime/... or @/components/ui/...)`,
          );
        } else {
          const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
          if (pkg !== 'react' && pkg !== 'react-dom' && !deps.has(pkg)) {
            problems.push(`${item.name}: imports ${specifier} but does not list ${pkg} in dependencies`);
          }
        }
      }
    }
  }
  if (problems.length > 0) fail(`registry/registry.ts has problems:\n  - ${problems.join('\n  - ')}`);
}

function fail(message) {
  console.error(`registry-build: ${message}`);
  process.exit(1);
}
