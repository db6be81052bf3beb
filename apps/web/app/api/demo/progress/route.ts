import { connection } from 'next/server';
import { createEventStream } from '@realtime-kit/server';

import { demoTaskScript, resumeIndex } from '@/lib/demo-task';

/** Delay between events of the simulated task. */
const STEP_MS = 450;

/**
 * A simulated long task, streamed as Server-Sent Events in the stream-progress protocol.
 *
 * - `Last-Event-ID` (or `?lastEventId=`) resumes after that event: reconnecting loses nothing.
 * - `?fail=1` ends the run with an `error` event.
 * - `?drop=<n>` cuts a fresh (non-resumed) connection after n events, to show the client resuming.
 */
export async function GET(request: Request) {
  await connection(); // a stream per request: never prerender
  const params = new URL(request.url).searchParams;
  const script = demoTaskScript({ fail: params.get('fail') === '1' });
  const stream = createEventStream(request, { heartbeatMs: 10_000, retry: 1_000 });
  const start = resumeIndex(stream.lastEventId, script.length);
  const dropAfter = stream.lastEventId === undefined ? Number(params.get('drop') ?? NaN) : NaN;

  void (async () => {
    for (let index = start, sent = 0; index < script.length; index++, sent++) {
      if (sent === dropAfter) {
        // Simulates a dropped connection: the client reconnects with Last-Event-ID and resumes.
        stream.close();
        return;
      }
      await sleep(STEP_MS, stream.signal);
      if (stream.closed) return;
      stream.send(script[index]!);
    }
    stream.close();
  })();

  return stream.response;
}

/** Waits `ms`, or less when the stream ends; the abort listener goes with the timer (no listener per step piles up). */
function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
