// One port for the Next.js app and the realtime WebSocket endpoint (at /realtime):
//   pnpm --filter web build && pnpm --filter web start:realtime   (production)
//   pnpm --filter web dev  (= node server.mjs)                    (development, what `npm run dev` starts)
// Route handlers and Server Actions publish with `publish()` from '@realtime-kit/server'; set REDIS_URL to
// share messages between instances. SIGTERM drains: clients reconnect elsewhere and resume.
import next from 'next';
import { createNextServer, getRealtime } from '@realtime-kit/server';
import { AI_CHANNEL_PREFIX } from '@realtime-kit/server/ai';

const dev = process.env.NODE_ENV !== 'production';
// The process's shared realtime (route handlers get the same one from getRealtime()). AI answers are written by the
// chat route only: browsers read `ai-` channels but may not publish into them.
const realtime = await getRealtime({
  beforePublish: ({ channel }) =>
    channel.startsWith(AI_CHANNEL_PREFIX) ? { reject: 'AI answers are written by the server.' } : undefined,
});
const { port } = await createNextServer({
  app: next({ dev, dir: import.meta.dirname }),
  port: Number(process.env.PORT ?? 3000),
  websocket: { path: '/realtime' },
  realtime,
});
console.log(`> Ready on http://localhost:${port} (realtime at ws://localhost:${port}/realtime)`);
