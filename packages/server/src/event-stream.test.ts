import { getEventListeners } from 'node:events';
import { createChannelHub, isRealtimeError, type RealtimeError } from '@realtime-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEvent } from './encode-event.js';
import { encodeEventEnd, encodeFrame, encodeFrameEvent } from './encode-frame.js';
import {
  createEventStream,
  DEFAULT_HEARTBEAT_MS,
  writeEncoded,
  type EventStreamCloseReason,
  type EventStreamInit,
} from './event-stream.js';

const URL_ = 'http://127.0.0.1/api/events';

function open(init: EventStreamInit = {}, requestInit: RequestInit = {}, url = URL_) {
  const client = new AbortController();
  const request = new Request(url, { signal: client.signal, ...requestInit });
  const stream = createEventStream(request, { heartbeatMs: false, ...init });
  const reasons: EventStreamCloseReason[] = [];
  stream.onClose((reason) => reasons.push(reason));
  return { stream, client, reasons, request };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/**
 * Fake timers and Date, but real setImmediate and performance: streams mark the end of a write round with a
 * setImmediate (their write window starts when the event loop is back), which is not what these tests are about.
 * First waits out (for real) any write window an earlier test's streams left open, so a first send is not held.
 */
async function useFakeClock() {
  await new Promise((resolve) => setTimeout(resolve, 60));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

describe('createEventStream: the response', () => {
  it('is a 200 text/event-stream response with the anti-buffering headers, plus init.headers', () => {
    const { stream } = open({ headers: { 'X-Request-Id': 'r1', 'Cache-Control': 'no-store' } });
    const { response } = stream;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('connection')).toBe('keep-alive');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(open().stream.response.headers.get('cache-control')).toBe('no-cache, no-transform');
  });

  it('streams sent events and ends with close()', async () => {
    const { stream, reasons } = open();
    expect(stream.send({ event: 'progress', data: { step: 1 } })).toBe(true);
    expect(stream.send({ id: '2', data: 'two\nlines' })).toBe(true);
    expect(stream.comment('note')).toBe(true);
    stream.close();
    expect(stream.closed).toBe(true);
    expect(reasons).toEqual(['closed']);
    expect(await stream.response.text()).toBe(
      'event: progress\ndata: {"step":1}\n\nid: 2\ndata: two\ndata: lines\n\n: note\n\n',
    );
  });

  it('opens with a retry hint when init.retry is set', async () => {
    const { stream } = open({ retry: 3000 });
    stream.send({ data: 'x' });
    stream.close();
    expect(await stream.response.text()).toBe('retry: 3000\n\ndata: x\n\n');
    expect(() => open({ retry: -5 })).toThrow(/retry/);
  });

  it('send() throws bad_frame for a malformed event, even before writing anything', async () => {
    const { stream } = open();
    expect(() => stream.send({ event: 'a\nb', data: 1 })).toThrow(expect.objectContaining({ code: 'bad_frame' }));
    stream.close();
    expect(await stream.response.text()).toBe('');
  });

  it('send() and comment() return false after close, and close() twice is harmless', async () => {
    const { stream, reasons, request } = open();
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(1);
    stream.close();
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
    stream.close();
    expect(stream.send({ data: 1 })).toBe(false);
    expect(stream.send(encodeEvent({ data: 1 }))).toBe(false);
    expect(stream.comment()).toBe(false);
    expect(reasons).toEqual(['closed']);
    expect(await stream.response.text()).toBe('');
  });

  it('rejects out-of-range options', () => {
    expect(() => open({ heartbeatMs: -1 })).toThrow(RangeError);
    expect(() => open({ maxQueuedBytes: 0 })).toThrow(RangeError);
    expect(() => open({ maxQueuedBytes: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('createEventStream: lastEventId', () => {
  it('comes from the Last-Event-ID header', () => {
    expect(open({}, { headers: { 'Last-Event-ID': 'evt-41' } }).stream.lastEventId).toBe('evt-41');
  });

  it('falls back to the lastEventId query parameter (EventSource polyfills)', () => {
    expect(open({}, {}, `${URL_}?lastEventId=evt-9`).stream.lastEventId).toBe('evt-9');
    expect(open({}, { headers: { 'Last-Event-ID': 'h' } }, `${URL_}?lastEventId=q`).stream.lastEventId).toBe('h');
  });

  it('is undefined for a fresh client, and init.lastEventId overrides the request', () => {
    expect(open().stream.lastEventId).toBeUndefined();
    expect(open({}, { headers: { 'Last-Event-ID': '' } }).stream.lastEventId).toBeUndefined();
    expect(open({ lastEventId: 'cookie' }, { headers: { 'Last-Event-ID': 'h' } }).stream.lastEventId).toBe('cookie');
  });
});

describe('createEventStream: encodeEvent reuse', () => {
  it('writes the very same bytes object to every stream', async () => {
    const encoded = encodeEvent({ event: 'message', data: { text: 'to everyone' } });
    const streams = Array.from({ length: 5 }, () => open().stream);
    for (const stream of streams) expect(stream.send(encoded)).toBe(true);
    for (const stream of streams) {
      const reader = stream.response.body!.getReader();
      const { value } = await reader.read();
      expect(value).toBe(encoded.bytes);
      reader.releaseLock();
    }
  });

  it('encodes a plain event the same way encodeEvent does', async () => {
    const event = { id: '1', event: 'e', data: { a: 'é\n' } };
    const { stream } = open();
    stream.send(event);
    stream.close();
    expect(new Uint8Array(await stream.response.arrayBuffer())).toEqual(encodeEvent(event).bytes);
  });
});

describe('createEventStream: heartbeat', () => {
  it('writes a comment every heartbeatMs and stops on close', async () => {
    await useFakeClock();
    const { stream } = open({ heartbeatMs: 1000 });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(3500);
    stream.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(await stream.response.text()).toBe(': heartbeat\n\n'.repeat(3));
  });

  it('defaults to 15 s and can be turned off with 0 or false', async () => {
    await useFakeClock();
    const defaulted = createEventStream(new Request(URL_));
    await vi.advanceTimersByTimeAsync(DEFAULT_HEARTBEAT_MS - 1);
    defaulted.send({ data: 'x' });
    await vi.advanceTimersByTimeAsync(1);
    defaulted.close();
    expect(await defaulted.response.text()).toBe('data: x\n\n: heartbeat\n\n');
    // The heartbeat came within the write window of `x`: that window's (shared) timer is still to fire.
    await vi.runOnlyPendingTimersAsync();

    for (const heartbeatMs of [0, false] as const) {
      createEventStream(new Request(URL_), { heartbeatMs });
      expect(vi.getTimerCount()).toBe(0);
    }
  });
});

describe('createEventStream: client abort', () => {
  it('releases everything when the request is aborted', async () => {
    await useFakeClock();
    const { stream, client, reasons } = open({ heartbeatMs: 1000 });
    const onAbort = vi.fn();
    stream.signal.addEventListener('abort', onAbort);
    stream.send({ data: 'queued, never read' });

    client.abort();

    expect(reasons).toEqual(['client_abort']);
    expect(stream.closed).toBe(true);
    expect(stream.signal.aborted).toBe(true);
    expect(onAbort).toHaveBeenCalledOnce();
    expect(isRealtimeError(stream.signal.reason, 'closed')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(stream.send({ data: 'late' })).toBe(false);
    // The queue is discarded rather than kept for a reader that is gone.
    await expect(stream.response.text()).rejects.toMatchObject({ code: 'closed' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reasons).toEqual(['client_abort']);
  });

  it('releases everything when the consumer cancels the body', async () => {
    await useFakeClock();
    const { stream, reasons } = open({ heartbeatMs: 1000 });
    await stream.response.body!.cancel();
    expect(reasons).toEqual(['client_abort']);
    expect(stream.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is closed from the start when the request was already aborted', async () => {
    await useFakeClock();
    const request = new Request(URL_, { signal: AbortSignal.abort() });
    const stream = createEventStream(request, { heartbeatMs: 1000 });
    expect(stream.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    const late = vi.fn();
    stream.onClose(late);
    expect(late).toHaveBeenCalledWith('client_abort');
  });

  it('onClose returns an unsubscribe, and a throwing callback does not stop the others', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { stream, client } = open();
    const removed = vi.fn();
    const after = vi.fn();
    stream.onClose(removed)();
    stream.onClose(() => {
      throw new Error('boom');
    });
    stream.onClose(after);
    client.abort();
    expect(removed).not.toHaveBeenCalled();
    expect(after).toHaveBeenCalledWith('client_abort');
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('onClose callback threw'),
      expect.objectContaining({ message: 'boom' }),
    );
  });
});

describe('createEventStream: slow consumers', () => {
  const frame = encodeEvent({ data: 'x'.repeat(92) }); // 100 bytes on the wire

  it('drops a client that never reads once the queue would pass maxQueuedBytes', async () => {
    const drops: RealtimeError[] = [];
    const { stream, reasons } = open({ maxQueuedBytes: 1000, onDrop: (reason) => drops.push(reason) });
    expect(frame.bytes.byteLength).toBe(100);

    const results = Array.from({ length: 50 }, () => stream.send(frame));

    expect(results.filter(Boolean)).toHaveLength(10); // exactly what fits: 10 × 100 bytes
    expect(results.slice(10).every((sent) => !sent)).toBe(true);
    expect(reasons).toEqual(['slow_consumer']);
    expect(drops).toHaveLength(1);
    expect(drops[0]?.code).toBe('slow_consumer');
    expect(drops[0]?.message).toMatch(/1000 bytes were still waiting.*maxQueuedBytes \(1000\)/);
    expect(stream.signal.reason).toBe(drops[0]);
    // Dropping errors the body, which discards the queued bytes instead of holding them for a dead reader.
    await expect(stream.response.text()).rejects.toBe(drops[0]);
  });

  it('keeps a client that reads, however much passes through', async () => {
    const { stream, reasons } = open({ maxQueuedBytes: 1000 });
    const reader = stream.response.body!.getReader();
    let received = 0;
    for (let i = 0; i < 200; i++) {
      expect(stream.send(frame)).toBe(true);
      received += (await reader.read()).value?.byteLength ?? 0;
    }
    expect(received).toBe(20_000);
    expect(reasons).toEqual([]);
  });

  it('counts heartbeats too, and warns on the console without onDrop', async () => {
    await useFakeClock();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { stream, reasons } = open({ maxQueuedBytes: 100, heartbeatMs: 10 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(reasons).toEqual(['slow_consumer']);
    expect(vi.getTimerCount()).toBe(0);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatch(/^\[realtime-kit\] Dropped a slow event-stream client/);
    expect(stream.closed).toBe(true);
  });
});

describe('createEventStream: coalescing', () => {
  const decode = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);

  it('writes everything sent in one tick as one chunk, in order', async () => {
    const { stream } = open();
    const reader = stream.response.body!.getReader();
    stream.send({ id: '1', data: 'one' });
    stream.send(encodeEvent({ event: 'two', data: 2 }));
    stream.comment('three');
    stream.send({ data: 'four' });
    const { value } = await reader.read();
    expect(decode(value)).toBe('id: 1\ndata: one\n\nevent: two\ndata: 2\n\n: three\n\ndata: four\n\n');

    // The next tick is the next chunk.
    stream.send({ data: 'five' });
    stream.send({ data: 'six' });
    expect(decode((await reader.read()).value)).toBe('data: five\n\ndata: six\n\n');
    stream.close();
    expect((await reader.read()).done).toBe(true);
  });

  it('nothing reaches the body before the tick ends; close() writes what is pending', async () => {
    const { stream } = open();
    const reader = stream.response.body!.getReader();
    let chunks = 0;
    const reading = (async () => {
      const parts: string[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return parts;
        chunks += 1;
        parts.push(decode(value));
      }
    })();
    for (let i = 0; i < 100; i++) stream.send({ data: i });
    expect(chunks).toBe(0);
    stream.send({ data: 'last' });
    stream.close();
    const parts = await reading;
    expect(parts).toHaveLength(1);
    expect(parts[0]).toBe(`${Array.from({ length: 100 }, (_, i) => `data: ${i}\n\n`).join('')}data: last\n\n`);
  });

  it('with coalesceMs, the first write after a quiet spell leaves at once and what follows within the window waits for its end', async () => {
    const { stream } = open({ coalesceMs: 500 });
    const reader = stream.response.body!.getReader();
    const nextTick = () => new Promise((resolve) => setImmediate(resolve));
    stream.send({ data: 1 });
    expect(decode((await reader.read()).value)).toBe('data: 1\n\n');
    const firstAt = performance.now();
    await nextTick();
    stream.send({ data: 2 });
    await nextTick();
    stream.comment('3');
    expect(decode((await reader.read()).value)).toBe('data: 2\n\n: 3\n\n');
    // Timers never fire early: the batch waited for the window (a lower bound only; a loaded machine is later).
    expect(performance.now() - firstAt).toBeGreaterThanOrEqual(450);
    stream.send({ data: 4 });
    stream.close();
    expect(decode((await reader.read()).value)).toBe('data: 4\n\n');
    expect(() => open({ coalesceMs: -1 })).toThrow(RangeError);
  });

  it('keeps each stream in order while many streams are written in one tick', async () => {
    const streams = Array.from({ length: 20 }, () => open().stream);
    for (let n = 0; n < 5; n++) for (const stream of streams) stream.send({ data: n });
    for (const stream of streams) stream.close();
    for (const stream of streams)
      expect(await stream.response.text()).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n');
  });
});

describe('encode once per broadcast', () => {
  it('a hub message sent to N streams is stringified and UTF-8-encoded once', async () => {
    const hub = createChannelHub();
    const streams = Array.from({ length: 25 }, () => open().stream);
    for (const stream of streams) {
      const session = hub.connect({
        send: (frame) => void writeEncoded(stream, encodeFrameEvent(frame, 'frame'), encodeEventEnd()),
      });
      session.receive({ type: 'subscribe', channel: 'room' });
    }
    const payload = { text: 'to everyone' };
    const stringify = vi.spyOn(JSON, 'stringify');
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    hub.publish('room', 'chat', payload);
    const stringified = stringify.mock.calls.filter(
      ([value]) => (value as { data?: unknown } | null)?.data === payload,
    );
    expect(stringified).toHaveLength(1);
    expect(encode).toHaveBeenCalledOnce();
    stringify.mockRestore();
    encode.mockRestore();

    const [message] = hub.broker.messages('room');
    for (const stream of streams) stream.close();
    const texts = await Promise.all(streams.map((stream) => stream.response.text()));
    for (const text of texts) expect(text.endsWith(`data: ${encodeFrame(message!)}\n\n`)).toBe(true);
    // The cached bytes are the same object every time.
    expect(encodeFrameEvent(message!, 'frame')).toBe(encodeFrameEvent(message!, 'frame'));
    expect(encodeFrame(message!)).toBe(JSON.stringify(message));
  });

  it('the event format names message events and carries { channel, seq, id, data, at, cid? }', () => {
    const hub = createChannelHub();
    hub.publish('room', 'chat', { a: 1 }, { cid: 'c1' });
    const [message] = hub.broker.messages('room');
    const text = new TextDecoder().decode(encodeFrameEvent(message!, 'event'));
    expect(text).toBe(
      `event: chat\ndata: ${JSON.stringify({ channel: 'room', seq: 1, id: message!.id, data: { a: 1 }, at: message!.at, cid: 'c1' })}\n`,
    );
    const gap = new TextDecoder().decode(encodeFrameEvent({ type: 'gap', channel: 'room', from: 1, to: 2 }, 'event'));
    expect(gap).toBe('event: rk:gap\ndata: {"type":"gap","channel":"room","from":1,"to":2}\n');
    expect(new TextDecoder().decode(encodeEventEnd('room:1'))).toBe('id: room:1\n\n');
  });
});
