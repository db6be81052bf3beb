import { defineConfig } from 'tsup';

export default defineConfig({
  // useSocket has its own entry: only it imports socket.io-client, an optional peer.
  entry: { index: 'src/index.ts', 'socket-io/index': 'src/use-socket.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: [
    'react',
    'react-dom',
    'react/jsx-runtime',
    '@realtime-kit/core',
    '@realtime-kit/core/socket-io',
    'socket.io-client',
  ],
  // tsup drops module-level directives silently; the banner keeps the entry a client module.
  banner: { js: "'use client';" },
});
