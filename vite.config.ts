import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

import { registryAliases } from './registry/aliases.ts';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    // Registry items import `@/registry/…`, and shadcn's primitives as `@/components/ui/…` (vendored here).
    alias: registryAliases(fileURLToPath(new URL('.', import.meta.url))),
    // Storybook and the story tests run @realtime-kit/* from src: no build needed, and prop types reach the docs.
    conditions: ['source', ...defaultClientConditions],
  },
});
