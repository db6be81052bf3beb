/**
 * Registry code is copied into users' shadcn apps, so it is formatted the way shadcn formats its own registry
 * (shadcn-ui/ui prettier.config.cjs): double quotes, no semicolons, es5 trailing commas, 80 columns, imports in
 * shadcn's order, Tailwind classes sorted. The packages keep the repo's own style; this file only reaches registry/.
 *
 * @type {import('prettier').Config}
 */
export default {
  endOfLine: "lf",
  semi: false,
  singleQuote: false,
  tabWidth: 2,
  trailingComma: "es5",
  printWidth: 80,
  importOrder: [
    "^(react/(.*)$)|^(react$)",
    "^(next/(.*)$)|^(next$)",
    "<THIRD_PARTY_MODULES>",
    "",
    "^@workspace/(.*)$",
    "",
    "^types$",
    "^@/types/(.*)$",
    "^@/config/(.*)$",
    "^@/lib/(.*)$",
    "^@/hooks/(.*)$",
    "^@/components/ui/(.*)$",
    "^@/components/(.*)$",
    "^@/registry/(.*)$",
    "^@/styles/(.*)$",
    "^@/app/(.*)$",
    "^@/www/(.*)$",
    "",
    "^[./]",
  ],
  importOrderParserPlugins: ["typescript", "jsx", "decorators-legacy"],
  plugins: [
    "@ianvs/prettier-plugin-sort-imports",
    "prettier-plugin-tailwindcss",
  ],
  tailwindStylesheet: "../.storybook/tailwind.css",
  tailwindFunctions: ["cn", "cva"],
}
