import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'redis/index': 'src/redis/index.ts',
    'socket-io/index': 'src/socket-io/index.ts',
    'pusher/index': 'src/pusher/index.ts',
    'ai/index': 'src/ai/index.ts',
    'yjs/index': 'src/yjs/index.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Peers stay imports: ioredis, socket.io, the Redis adapter, ai and yjs are optional and installed by the app.
  external: ['@realtime-kit/core', 'ioredis', 'socket.io', '@socket.io/redis-adapter', 'pusher', 'ai', 'yjs'],
});
