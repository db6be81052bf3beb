import { connection } from 'next/server';
import { createEventStream } from '@realtime-kit/server';

import { DEMO_METRICS_HISTORY, demoMetricsSample } from '@/lib/demo-metrics';

const TICK_MS = 1_000;

/**
 * Server metrics as Server-Sent Events, the live-metrics protocol: one `metrics` event per second with
 * `{ at, values: { cpu, rps, latency, memory } }`. A new client first gets the last 30 samples so its charts start
 * full; a reconnecting one (`Last-Event-ID: <second>`) gets just what it missed.
 */
export async function GET(request: Request) {
  await connection(); // a stream per request: never prerender
  const stream = createEventStream(request, { heartbeatMs: 15_000, retry: 2_000 });

  const now = Math.floor(Date.now() / 1000);
  const resumeAfter = Number(stream.lastEventId);
  const first =
    Number.isInteger(resumeAfter) && resumeAfter >= now - DEMO_METRICS_HISTORY
      ? resumeAfter + 1
      : now - DEMO_METRICS_HISTORY + 1;
  let next = first;
  const sendUpTo = (second: number) => {
    for (; next <= second; next++) stream.send({ id: String(next), event: 'metrics', data: demoMetricsSample(next) });
  };
  sendUpTo(now);

  // Aligned to the wall-clock second, so every client's samples land together.
  const timer = setInterval(() => sendUpTo(Math.floor(Date.now() / 1000)), TICK_MS);
  stream.onClose(() => clearInterval(timer));
  return stream.response;
}
