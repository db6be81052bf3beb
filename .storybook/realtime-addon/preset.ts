import { fileURLToPath } from 'node:url';

/**
 * The Realtime addon as a Storybook preset. Storybook only looks for `manager.js` / `preview.js` next to a local
 * addon, so the TypeScript entries are added here.
 */
export const managerEntries = (entries: string[] = []): string[] => [
  ...entries,
  fileURLToPath(new URL('./manager.tsx', import.meta.url)),
];

export const previewAnnotations = (entries: string[] = []): string[] => [
  ...entries,
  fileURLToPath(new URL('./preview.ts', import.meta.url)),
];
