/**
 * The repo's own code (packages, apps, bench, scripts, tests). Registry items are formatted as shadcn formats its
 * own (registry/prettier.config.mjs, which is nearer to them and wins). `pnpm lint` checks both.
 *
 * @type {import('prettier').Config}
 */
export default {
  singleQuote: true,
  printWidth: 120,
  trailingComma: 'all',
};
