import { connection } from 'next/server';
import { createEventStream } from '@realtime-kit/server';

import { joinCounter } from '@/lib/counter-hub';

/**
 * A live count as Server-Sent Events: `count` events with `{ viewers, total }` — how many clients are
 * connected right now, and a total that ticks every second. One frame is encoded per change and sent to
 * every client.
 */
export async function GET(request: Request) {
  await connection(); // a stream per request: never prerender
  const stream = createEventStream(request, { heartbeatMs: 15_000, retry: 2_000 });
  joinCounter(stream);
  return stream.response;
}
