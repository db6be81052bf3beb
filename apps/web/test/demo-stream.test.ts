import { createSSEConnection, type SSEMessage } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';
import { demoAnswerTokens, resumeTokenIndex, streamDemoAnswer } from '../lib/demo-answer';

/** A route-handler-shaped fetch for /api/demo/stream, recording each request's Last-Event-ID. */
function routeFetch(lastEventIds: (string | null)[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(new URL(String(input), 'http://demo.test'), init);
    lastEventIds.push(request.headers.get('last-event-id'));
    return streamDemoAnswer(request, { tokenMs: 1 });
  };
}

function collect(url: string) {
  const lastEventIds: (string | null)[] = [];
  const conn = createSSEConnection<{ text?: string; message?: string }>(url, {
    fetch: routeFetch(lastEventIds),
    backoff: { minMs: 10, maxMs: 10 },
  });
  const seen: SSEMessage<{ text?: string; message?: string }>[] = [];
  conn.on('*', (message) => {
    seen.push(message);
    if (message.event === 'done' || message.event === 'error') conn.close();
  });
  const text = () =>
    seen
      .filter((m) => m.event === 'token')
      .map((m) => m.data.text)
      .join('');
  return { conn, seen, text, lastEventIds };
}

describe('demo answer stream', () => {
  it('cuts the answer into word tokens that add up to the text', () => {
    const tokens = demoAnswerTokens();
    expect(tokens.length).toBeGreaterThan(40);
    expect(tokens.join('')).toMatch(/^Server-Sent Events keep one HTTP response open/);
    expect(demoAnswerTokens('ar').join('')).toMatch(/^تُبقي/);
  });

  it('resumes after the last token id, from the start for unknown ids', () => {
    expect(resumeTokenIndex(undefined, 10)).toBe(0);
    expect(resumeTokenIndex('3', 10)).toBe(4);
    expect(resumeTokenIndex('99', 10)).toBe(10);
    expect(resumeTokenIndex('x', 10)).toBe(0);
  });

  it('streams every token with its index as id, then done', async () => {
    const run = collect('/api/demo/stream');
    await expect.poll(() => run.seen.at(-1)?.event, { timeout: 5_000 }).toBe('done');
    const tokens = demoAnswerTokens();
    expect(run.text()).toBe(tokens.join(''));
    expect(run.seen.filter((m) => m.event === 'token').map((m) => m.id)).toEqual(tokens.map((_, i) => String(i)));
  });

  it('after a dropped connection, resumes from Last-Event-ID with no token lost or repeated', async () => {
    const run = collect('/api/demo/stream?drop=12');
    await expect.poll(() => run.seen.at(-1)?.event, { timeout: 5_000 }).toBe('done');
    expect(run.lastEventIds).toEqual([null, '11']);
    expect(run.text()).toBe(demoAnswerTokens().join(''));
    const ids = run.seen.filter((m) => m.event === 'token').map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fails with an error event when asked', async () => {
    const run = collect('/api/demo/stream?fail=5');
    await expect.poll(() => run.seen.at(-1)?.event, { timeout: 5_000 }).toBe('error');
    expect(run.seen.filter((m) => m.event === 'token')).toHaveLength(5);
    expect(run.seen.at(-1)?.data.message).toMatch(/stopped responding/);
  });
});
