import { createSSEConnection, type SSEMessage } from '@realtime-kit/core';
import { createEventStream } from '@realtime-kit/server';
import { describe, expect, it } from 'vitest';
import { counterSnapshot, joinCounter, type CounterSnapshot } from '../lib/counter-hub';
import { DEMO_TASK_STEPS, demoTaskScript, resumeIndex } from '../lib/demo-task';

describe('demo task script', () => {
  it('numbers every event, marks every step done and ends with done', () => {
    const script = demoTaskScript();
    expect(script.map((e) => e.id)).toEqual(script.map((_, i) => String(i)));
    expect(script.at(-1)?.event).toBe('done');
    for (const step of DEMO_TASK_STEPS) {
      expect(script).toContainEqual(
        expect.objectContaining({ event: 'step', data: expect.objectContaining({ id: step.id, status: 'done' }) }),
      );
    }
    const last = script.filter((e) => e.event === 'progress').at(-1)?.data as { value: number; max: number };
    expect(last.value).toBe(last.max);
  });

  it('fails in the last step with an error event when asked', () => {
    const script = demoTaskScript({ fail: true });
    expect(script.at(-1)).toMatchObject({
      event: 'error',
      data: { message: expect.stringContaining('Deploy failed') },
    });
    expect(script.some((e) => e.event === 'done')).toBe(false);
  });

  it('resumes after the last event id, from the start for unknown ids', () => {
    expect(resumeIndex(undefined, 10)).toBe(0);
    expect(resumeIndex('3', 10)).toBe(4);
    expect(resumeIndex('99', 10)).toBe(10);
    expect(resumeIndex('abc', 10)).toBe(0);
  });
});

describe('counter hub', () => {
  /** A route-handler-shaped fetch: each request gets a stream joined to the hub, as /api/demo/counter does. */
  const routeFetch: typeof fetch = async (input, init) => {
    const request = new Request(new URL(String(input), 'http://demo.test'), init);
    const stream = createEventStream(request, { heartbeatMs: 0 });
    joinCounter(stream);
    return stream.response;
  };

  function watch() {
    const conn = createSSEConnection<CounterSnapshot>('/api/demo/counter', {
      fetch: routeFetch,
      backoff: { minMs: 10, maxMs: 10 },
    });
    const seen: SSEMessage<CounterSnapshot>[] = [];
    conn.on('count', (message) => seen.push(message));
    return { conn, seen };
  }

  it('tells every client how many are watching, and counts down when one leaves', async () => {
    const a = watch();
    await expect.poll(() => a.seen.at(-1)?.data.viewers).toBe(1);
    const b = watch();
    await expect.poll(() => b.seen.at(-1)?.data.viewers).toBe(2);
    await expect.poll(() => a.seen.at(-1)?.data.viewers).toBe(2);
    b.conn.close();
    await expect.poll(() => a.seen.at(-1)?.data.viewers).toBe(1);
    a.conn.close();
    await expect.poll(() => counterSnapshot().viewers).toBe(0);
  });

  it('ticks the total while someone watches', async () => {
    const a = watch();
    await expect.poll(() => a.seen.length).toBeGreaterThan(0);
    const first = a.seen.at(-1)!.data.total;
    await expect.poll(() => a.seen.at(-1)!.data.total, { timeout: 3_000 }).toBeGreaterThan(first);
    a.conn.close();
  });
});
