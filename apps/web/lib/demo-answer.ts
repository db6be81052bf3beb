import { createEventStream } from '@realtime-kit/server';

/**
 * The simulated AI answer behind /api/demo/stream: a fixed text cut into word-sized tokens, streamed in the
 * streaming-text protocol. Token ids are positions in the list, so a client that reconnects with
 * `Last-Event-ID: n` resumes at token n + 1 — the server keeps no per-client state.
 */

const ANSWERS = {
  en:
    'Server-Sent Events keep one HTTP response open and write each event to it as it happens. ' +
    'When the connection drops, the browser reconnects and sends the id of the last event it received in the Last-Event-ID header. ' +
    'The server then continues right after that event, so the reader loses nothing and sees nothing twice. ' +
    'That is how this answer survives a network hiccup: try the "drop the connection" button and watch it pick up mid-sentence.',
  ar:
    'تُبقي الأحداث المرسلة من الخادم استجابة HTTP واحدة مفتوحة وتكتب فيها كل حدث فور وقوعه. ' +
    'عندما ينقطع الاتصال، يعيد المتصفح الاتصال ويرسل معرّف آخر حدث استلمه في الترويسة Last-Event-ID. ' +
    'ثم يتابع الخادم مباشرة بعد ذلك الحدث، فلا يفقد القارئ شيئًا ولا يرى شيئًا مرتين.',
} as const;

export type DemoAnswerLanguage = keyof typeof ANSWERS;

/** The answer's tokens: each word with the space before it, the way language models stream. */
export function demoAnswerTokens(language: DemoAnswerLanguage = 'en'): string[] {
  return ANSWERS[language].match(/\s*\S+/g) ?? [];
}

/** Where a stream resumes, from the client's `Last-Event-ID` (absent or unknown: from the start). */
export function resumeTokenIndex(lastEventId: string | undefined, length: number): number {
  if (lastEventId === undefined || !/^\d+$/.test(lastEventId)) return 0;
  return Math.min(Number(lastEventId) + 1, length);
}

/**
 * Streams the answer for one request:
 * - `Last-Event-ID` (or `?lastEventId=`) resumes after that token: a reconnect loses and repeats nothing.
 * - `?drop=<n>` cuts a fresh (non-resumed) connection after n tokens, to show the client resuming.
 * - `?fail=<n>` ends the answer with an `error` event at token n.
 * - `?lang=ar` streams an Arabic answer (right to left).
 */
export function streamDemoAnswer(request: Request, { tokenMs = 70 }: { tokenMs?: number } = {}): Response {
  const params = new URL(request.url).searchParams;
  const language: DemoAnswerLanguage = params.get('lang') === 'ar' ? 'ar' : 'en';
  const tokens = demoAnswerTokens(language);
  const stream = createEventStream(request, { heartbeatMs: 10_000, retry: 1_000 });
  const start = resumeTokenIndex(stream.lastEventId, tokens.length);
  const dropAfter = stream.lastEventId === undefined ? Number(params.get('drop') ?? NaN) : NaN;
  const failAt = Number(params.get('fail') ?? NaN);

  void (async () => {
    for (let index = start, sent = 0; index < tokens.length; index++, sent++) {
      if (sent === dropAfter) {
        // Simulates a dropped connection: the client reconnects with Last-Event-ID and resumes.
        stream.close();
        return;
      }
      await sleep(tokenMs, stream.signal);
      if (stream.closed) return;
      if (index === failAt) {
        stream.send({ event: 'error', data: { message: 'The model stopped responding (simulated).' } });
        stream.close();
        return;
      }
      stream.send({ id: String(index), event: 'token', data: { text: tokens[index] } });
    }
    stream.send({ event: 'done', data: {} });
    stream.close();
  })();

  return stream.response;
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    // One listener per wait, removed when the wait ends: a long answer must not pile them up on the signal.
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
