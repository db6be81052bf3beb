import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'websocket/index': 'src/transports/websocket.ts', 'sse-transport/index': 'src/transports/sse.ts', 'socket-io/index': 'src/transports/socket-io.ts', 'pusher/index': 'src/transports/pusher.ts', 'ably/index': 'src/transports/ably.ts', 'supabase/index': 'src/transports/supabase.ts' },
  // An optional peer: only the socket-io entry refers to it, and only its types.
  external: ['socket.io-client', 'pusher-js', 'ably', '@supabase/supabase-js'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
});
