// One port for the Next.js app and the realtime WebSocket endpoint (at /realtime):
//   pnpm --filter web build && pnpm --filter web start:realtime   (production)
//   pnpm --filter web dev  (= node server.mjs)                    (development, what `npm run dev` starts)
// Route handlers and Server Actions publish with `publish()` from '@realtime-kit/server'; set REDIS_URL to
// share messages between instances. SIGTERM drains: clients reconnect elsewhere and resume.
import next from 'next';
import { createNextServer } from '@realtime-kit/server';

const dev = process.env.NODE_ENV !== 'production';
const { port } = await createNextServer({
  app: next({ dev, dir: import.meta.dirname }),
  port: Number(process.env.PORT ?? 3000),
  websocket: { path: '/realtime' },
});
console.log(`> Ready on http://localhost:${port} (realtime at ws://localhost:${port}/realtime)`);
