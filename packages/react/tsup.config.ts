import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['react', 'react-dom', 'react/jsx-runtime', '@realtime-kit/core'],
  // tsup drops module-level directives silently; the banner keeps the entry a client module.
  banner: { js: "'use client';" },
});
