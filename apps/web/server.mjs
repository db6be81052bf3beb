// One port for the Next.js app and the realtime WebSocket endpoint (at /realtime):
//   pnpm --filter web build && pnpm --filter web start:realtime   (production)
//   pnpm --filter web dev  (= node server.mjs)                    (development, what `npm run dev` starts)
// Route handlers and Server Actions publish with `publish()` from '@realtime-kit/server'; set REDIS_URL to
// share messages between instances. SIGTERM drains: clients reconnect elsewhere and resume.
import next from 'next';
import { tsImport } from 'tsx/esm/api';
import { createNextServer, getRealtime } from '@realtime-kit/server';

// The demos' shared state (the tic-tac-toe reducer on `tictactoe:`) is TypeScript shared with the client: load it
// before anything creates the process's realtime, so the WebSocket endpoint and the route handlers all run it.
const { demoRealtimeOptions } = await tsImport('./lib/demo-tic-tac-toe.ts', import.meta.url);

const dev = process.env.NODE_ENV !== 'production';
const { port } = await createNextServer({
  app: next({ dev, dir: import.meta.dirname }),
  realtime: await getRealtime(demoRealtimeOptions),
  port: Number(process.env.PORT ?? 3000),
  websocket: { path: '/realtime' },
});
console.log(`> Ready on http://localhost:${port} (realtime at ws://localhost:${port}/realtime)`);
