import { DEFAULT_REGISTRY_URL } from '@/registry/registry';

/** Where the built items are served; the install commands point here. */
export const REGISTRY_URL = (process.env.REALTIME_KIT_REGISTRY_URL ?? DEFAULT_REGISTRY_URL).replace(/\/+$/, '');

/** How each package manager runs the shadcn CLI without installing it. */
const RUNNERS = {
  pnpm: 'pnpm dlx',
  npm: 'npx',
  yarn: 'yarn dlx',
  bun: 'bunx --bun',
} as const;

export type PackageManager = keyof typeof RUNNERS;

/** `shadcn add <item URL>` for every package manager, pnpm first (the one this repo uses). */
export function installCommands(item: string): { packageManager: PackageManager; command: string }[] {
  return (Object.keys(RUNNERS) as PackageManager[]).map((packageManager) => ({
    packageManager,
    command: `${RUNNERS[packageManager]} shadcn@latest add ${REGISTRY_URL}/${item}.json`,
  }));
}
