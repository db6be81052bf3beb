/**
 * shadcn's primitives that the realtime items use, as shadcn's own registry lists them
 * (shadcn-ui/ui `apps/v4/registry/new-york-v4/ui/_registry.ts`), pointing at the vendored copies in this folder.
 *
 * Items depend on them by plain name (`registryDependencies: ["button"]`), which the shadcn CLI fetches from
 * `${REGISTRY_URL}/styles/<style>/<name>.json`. `scripts/shadcn-stand-in.mjs` builds these into such a tree, so
 * tests install them offline through the normal flow; in a user's app they come from ui.shadcn.com (or the user's
 * own copies, already in `components/ui`).
 */
import type { RegistryItem } from "shadcn/schema"

/** The style folder the CLI asks for when components.json says `"style": "new-york"` on Tailwind v4. */
export const SHADCN_STYLE = "new-york-v4"

const primitive = (name: string, dependencies?: string[]): RegistryItem => ({
  name,
  type: "registry:ui",
  ...(dependencies ? { dependencies } : {}),
  files: [{ path: `registry/shadcn-ui/ui/${name}.tsx`, type: "registry:ui" }],
})

export const shadcnPrimitives: RegistryItem[] = [
  primitive("avatar", ["radix-ui"]),
  primitive("badge", ["radix-ui"]),
  primitive("button", ["radix-ui"]),
  primitive("collapsible", ["radix-ui"]),
  primitive("input"),
  primitive("label", ["radix-ui"]),
  primitive("native-select"),
  primitive("popover", ["radix-ui"]),
  primitive("scroll-area", ["radix-ui"]),
  primitive("tabs", ["radix-ui"]),
  primitive("textarea"),
  primitive("tooltip", ["radix-ui"]),
]
