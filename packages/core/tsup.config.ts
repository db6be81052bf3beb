import { defineConfig } from 'tsup';

const entries: Record<string, string> = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'websocket/index': 'src/transports/websocket.ts',
  'sse-transport/index': 'src/transports/sse.ts',
  'socket-io/index': 'src/transports/socket-io.ts',
  'pusher/index': 'src/hosted/pusher/index.ts',
  'ably/index': 'src/hosted/ably/index.ts',
  'supabase/index': 'src/hosted/supabase/index.ts',
  'encryption/index': 'src/wrappers/encrypted/index.ts',
  'fallback/index': 'src/wrappers/fallback/index.ts',
  'polling/index': 'src/transports/polling.ts',
  'cross-tab/index': 'src/wrappers/cross-tab/index.ts',
  'devtools/index': 'src/devtools/index.ts',
  'yjs/index': 'src/yjs/index.ts',
  'yjs-awareness/index': 'src/yjs/awareness-index.ts',
  'ai/index': 'src/ai/index.ts',
};

export default defineConfig({
  entry: entries,
  // Optional peers, each imported only by its own entry (yjs by the yjs entries, y-protocols by yjs-awareness, ai by the ai entry), never bundled.
  external: ['socket.io-client', 'pusher-js', 'ably', '@supabase/supabase-js', 'yjs', 'y-protocols', 'ai'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
});
