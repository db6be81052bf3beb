/**
 * The registry, as typed source. `pnpm registry:build` (scripts/registry-build.mjs) turns it into
 * `registry.json` and `apps/web/public/r/*.json`; `apps/web/test/registry-drift.test.ts` fails when the
 * committed output no longer matches this file.
 *
 * Items point at each other by URL, so consumers can `shadcn add` them from any host: the base URL is a
 * parameter (`REALTIME_KIT_REGISTRY_URL`, default {@link DEFAULT_REGISTRY_URL}).
 */
import type { Registry, RegistryItem } from "shadcn/schema"

import { blockItems } from "./items/blocks"
import { componentItems } from "./items/components"
import { foundationItems } from "./items/foundation"
import { resolveDependency } from "./items/local"
import { uiItems } from "./items/ui"

/** Where `next dev` / `next start` in apps/web serve the built items. */
export const DEFAULT_REGISTRY_URL = "http://localhost:3000/r"

/**
 * The registry items for the given base URL (no trailing slash), e.g. `http://localhost:3000/r`: the item lists in
 * registry/items/, with each dependency on another item resolved to its URL there.
 */
export function registryItems(
  baseUrl: string = DEFAULT_REGISTRY_URL
): RegistryItem[] {
  return [...foundationItems, ...uiItems, ...componentItems, ...blockItems].map(
    (item) =>
      item.registryDependencies
        ? {
            ...item,
            registryDependencies: item.registryDependencies.map((dependency) =>
              resolveDependency(dependency, baseUrl)
            ),
          }
        : item
  )
}

/** The whole `registry.json` for the given base URL. */
export function defineRegistry(
  baseUrl: string = DEFAULT_REGISTRY_URL
): Registry {
  return {
    $schema: "https://ui.shadcn.com/schema/registry.json",
    name: "realtime",
    // The docs site that serves the items: the base URL without its `/r`.
    homepage: baseUrl.replace(/\/r\/?$/, ""),
    items: registryItems(baseUrl),
  }
}
