import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { '@/registry': fileURLToPath(new URL('./registry', import.meta.url)) },
    // Storybook and the story tests run @realtime-kit/* from src: no build needed, and prop types reach the docs.
    conditions: ['source', ...defaultClientConditions],
  },
});
