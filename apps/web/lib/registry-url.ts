import { DEFAULT_REGISTRY_URL } from '@/registry/registry';

/** Where the built items are served; the install commands point here. */
export const REGISTRY_URL = (process.env.REALTIME_KIT_REGISTRY_URL ?? DEFAULT_REGISTRY_URL).replace(/\/+$/, '');

export function installCommand(item: string) {
  return `npx shadcn@latest add ${REGISTRY_URL}/${item}.json`;
}
