#!/usr/bin/env node
/**
 * Builds a local stand-in of shadcn's own registry (ui.shadcn.com/r) from the vendored primitives in
 * registry/shadcn-ui/, so `shadcn add` resolves plain-name dependencies ("button") without the network:
 *
 *   <out>/styles/index.json                  the styles list (`shadcn init` reads it)
 *   <out>/styles/new-york-v4/<name>.json     one registry:ui item per primitive, files inlined by `shadcn build`
 *
 * Point the CLI at it with REGISTRY_URL=<origin>/<path to out> (it asks for
 * `${REGISTRY_URL}/styles/new-york/<name>.json`, tolerates a 404, then `${REGISTRY_URL}/styles/new-york-v4/<name>.json`).
 *
 * Usage: node scripts/shadcn-stand-in.mjs --out <dir>
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { registrySchema } from 'shadcn/schema';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: false });
if (!values.out) fail('--out <dir> is required');
const outDir = path.resolve(values.out);

const { SHADCN_STYLE, shadcnPrimitives } = await tsImport('../registry/shadcn-ui/registry.ts', import.meta.url);
const registry = { name: 'shadcn', homepage: 'https://ui.shadcn.com', items: shadcnPrimitives };
const parsed = registrySchema.safeParse(registry);
if (!parsed.success)
  fail(`registry/shadcn-ui/registry.ts does not match shadcn's registry schema:\n${parsed.error.message}`);

const styleDir = path.join(outDir, 'styles', SHADCN_STYLE);
rmSync(styleDir, { recursive: true, force: true });
mkdirSync(styleDir, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'shadcn-stand-in-'));
try {
  const registryFile = path.join(work, 'registry.json');
  writeFileSync(registryFile, `${JSON.stringify(registry, null, 2)}\n`);
  const shadcn = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'shadcn.cmd' : 'shadcn');
  const result = spawnSync(shadcn, ['build', registryFile, '--output', styleDir, '--cwd', root], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0 || /Something went wrong/.test(result.stdout + result.stderr)) {
    fail(`shadcn build failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
// `shadcn build` also copies the registry index into the folder; the real style folders have none.
rmSync(path.join(styleDir, 'registry.json'), { force: true });
writeFileSync(
  path.join(outDir, 'styles', 'index.json'),
  `${JSON.stringify([{ name: 'new-york', label: 'New York' }], null, 2)}\n`,
);
console.log(`shadcn stand-in: ${shadcnPrimitives.length} primitives → ${path.relative(root, styleDir) || styleDir}`);

function fail(message) {
  console.error(`shadcn-stand-in: ${message}`);
  process.exit(1);
}
