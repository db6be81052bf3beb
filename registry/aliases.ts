import path from "node:path"

/**
 * How the `@/` specifiers in registry code resolve inside this repository, the one table every bundler reads
 * (Storybook's Vite config, the e2e page bundler, the bench): in an app, `shadcn add` rewrites them to the app's own
 * aliases, and here they point at the repo's copies.
 *
 * - `@/registry/…`: our items (shadcn's convention for registry sources).
 * - `@/components/ui/…` and `@/lib/utils`: shadcn's primitives, as the items import them in an app; here the
 *   vendored copies in `registry/shadcn-ui/` stand in for the user's own (themed) ones.
 *
 * The tsconfig files (root, apps/web, tests/e2e) cannot import this: they list the same three paths by hand.
 */
export function registryAliases(repoRoot: string): Record<string, string> {
  return {
    "@/registry": path.join(repoRoot, "registry"),
    "@/components/ui": path.join(repoRoot, "registry/shadcn-ui/ui"),
    "@/lib/utils": path.join(repoRoot, "registry/shadcn-ui/lib/utils.ts"),
  }
}
