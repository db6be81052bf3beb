import { defineConfig } from 'tsup';

const entries: Record<string, string> = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'websocket/index': 'src/transports/websocket.ts',
  'sse-transport/index': 'src/transports/sse.ts',
  'socket-io/index': 'src/transports/socket-io.ts',
  'pusher/index': 'src/transports/pusher.ts',
  'ably/index': 'src/transports/ably.ts',
  'supabase/index': 'src/transports/supabase.ts',
  'encryption/index': 'src/transports/encrypted.ts',
  'fallback/index': 'src/transports/fallback.ts',
  'polling/index': 'src/transports/polling.ts',
  'cross-tab/index': 'src/transports/cross-tab.ts',
  'devtools/index': 'src/devtools/index.ts',
  'yjs/index': 'src/yjs/index.ts',
};

export default defineConfig({
  entry: entries,
  // Optional peers, each imported only by its own entry (yjs by the yjs entry), never bundled.
  external: ['socket.io-client', 'pusher-js', 'ably', '@supabase/supabase-js', 'yjs'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
});
