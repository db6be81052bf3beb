/** The npm package every item gets its realtime logic from. */
export const REACT_PACKAGE = "@realtime-kit/react"
/** Framework-free logic a few items use directly (the devtools inspector, the Yjs binding, status types). */
export const CORE_PACKAGE = "@realtime-kit/core"

/** Marks a registry dependency on another item of this registry; `registryItems()` turns it into that item's URL. */
const LOCAL_PREFIX = "local:"

/** A dependency on this registry's item `name`, wherever the registry is served (see `registryItems`). */
export function local(name: string): string {
  return `${LOCAL_PREFIX}${name}`
}

/** The item's URL under `baseUrl` for a `local()` dependency; anything else (a shadcn primitive) as it is. */
export function resolveDependency(dependency: string, baseUrl: string): string {
  return dependency.startsWith(LOCAL_PREFIX)
    ? `${baseUrl}/${dependency.slice(LOCAL_PREFIX.length)}.json`
    : dependency
}
