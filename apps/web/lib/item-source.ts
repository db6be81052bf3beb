import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheLife } from 'next/cache';

/** One file an item installs, as `shadcn add` receives it. */
export interface ItemSourceFile {
  /** Where it sits in the registry, without the `registry/realtime/` prefix (e.g. `ui/connection-dot.tsx`). */
  path: string;
  content: string;
}

/**
 * The files of an item, read from the built `public/r/<name>.json`: exactly what `shadcn add` copies into an app
 * (registry-drift.test.ts keeps that file equal to the sources).
 */
export async function itemSourceFiles(name: string): Promise<ItemSourceFile[]> {
  'use cache';
  // Derived from files of this build only: nothing to revalidate until the next deploy.
  cacheLife('max');
  const built = path.join(process.cwd(), 'public', 'r', `${name}.json`);
  const item = JSON.parse(await readFile(built, 'utf8')) as { files?: { path: string; content?: string }[] };
  return (item.files ?? []).map((file) => ({
    path: file.path.replace(/^registry\/realtime\//, ''),
    content: file.content ?? '',
  }));
}
