import { connection } from 'next/server';

import { streamDemoAnswer } from '@/lib/demo-answer';

/**
 * A simulated AI answer, streamed token by token as Server-Sent Events in the streaming-text protocol
 * (`token` events with ids, then `done`). Resumes after `Last-Event-ID`; `?drop=<n>` cuts the first connection
 * after n tokens, `?fail=<n>` fails at token n, `?lang=ar` answers in Arabic. See `streamDemoAnswer`.
 */
export async function GET(request: Request) {
  await connection(); // a stream per request: never prerender
  return streamDemoAnswer(request);
}
