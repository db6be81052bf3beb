import { isRealtimeError } from '@realtime-kit/core';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { encodeEvent, isEncodedEvent, type ServerSentEvent } from './encode-event.js';

const text = (event: ServerSentEvent) => new TextDecoder().decode(encodeEvent(event).bytes);

/** What a spec-compliant client makes of the bytes. */
function parse(bytes: Uint8Array): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(new TextDecoder().decode(bytes));
  return events;
}

function expectBadFrame(run: () => unknown, message: RegExp) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isRealtimeError(thrown, 'bad_frame'), `expected a bad_frame RealtimeError, got ${String(thrown)}`).toBe(true);
  expect((thrown as Error).message).toMatch(message);
  return thrown as Error;
}

describe('encodeEvent framing', () => {
  it('writes a string as is and anything else as JSON', () => {
    expect(text({ data: 'hello' })).toBe('data: hello\n\n');
    expect(text({ data: { step: 2, done: false } })).toBe('data: {"step":2,"done":false}\n\n');
    expect(text({ data: null })).toBe('data: null\n\n');
    expect(text({ data: 42 })).toBe('data: 42\n\n');
    expect(text({ data: '' })).toBe('data: \n\n');
  });

  it('writes id, event and retry before the data, in one block', () => {
    expect(text({ id: '7', event: 'progress', retry: 2500, data: 'x' })).toBe(
      'id: 7\nevent: progress\nretry: 2500\ndata: x\n\n',
    );
    expect(parse(encodeEvent({ id: '7', event: 'progress', data: 'x' }).bytes)).toEqual([
      { id: '7', event: 'progress', data: 'x' },
    ]);
  });

  it('splits multi-line data into one data: line per line, for LF, CRLF and CR alike', () => {
    expect(text({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(text({ data: 'end\n' })).toBe('data: end\ndata: \n\n');
    // CRLF must never leave a bare CR inside a line: a client would read it as a line break of its own.
    expect(text({ data: 'x\r\n\r\ny' })).toBe('data: x\ndata: \ndata: y\n\n');
  });

  it('round-trips awkward payloads through a spec-compliant parser', () => {
    const payloads = [
      'one',
      'two\nlines',
      'crlf\r\nline',
      'cr\ronly',
      '\n\nleading',
      'trailing\n\n',
      ' leading space',
      'data: fake\n\nid: 9',
      ': not a comment',
    ];
    for (const data of payloads) {
      const [event] = parse(encodeEvent({ data }).bytes);
      expect(event?.data, JSON.stringify(data)).toBe(data.replace(/\r\n|\r/g, '\n'));
    }
  });

  it('keeps unicode intact in UTF-8', () => {
    const data = { text: 'héllo 世界 🌍', sep: '\u2028\u2029', nul: '\0' };
    const encoded = encodeEvent({ id: 'évt-①', data });
    expect(encoded.bytes.byteLength).toBe(Buffer.byteLength(`id: évt-①\ndata: ${JSON.stringify(data)}\n\n`));
    const [event] = parse(encoded.bytes);
    expect(event?.id).toBe('évt-①');
    expect(JSON.parse(event?.data ?? '')).toEqual(data);
  });

  it('rejects ids with CR, LF or NULL and event types with CR or LF', () => {
    expectBadFrame(() => encodeEvent({ id: 'a\nb', data: 1 }), /id/);
    expectBadFrame(() => encodeEvent({ id: 'a\rb', data: 1 }), /id/);
    expectBadFrame(() => encodeEvent({ id: 'a\0b', data: 1 }), /NULL/);
    expectBadFrame(() => encodeEvent({ event: 'a\nb', data: 1 }), /Event type/);
    expectBadFrame(() => encodeEvent({ event: 'a\r\nb', data: 1 }), /Event type/);
    expectBadFrame(() => encodeEvent({ id: 5 as unknown as string, data: 1 }), /id/);
  });

  it('rejects a retry that is not a non-negative integer', () => {
    for (const retry of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectBadFrame(() => encodeEvent({ retry, data: 1 }), /retry/);
    }
    expect(text({ retry: 0, data: 1 })).toBe('retry: 0\ndata: 1\n\n');
  });

  it('rejects data with no JSON form, keeping the cause', () => {
    expectBadFrame(() => encodeEvent({ data: undefined }), /no JSON form/);
    expectBadFrame(() => encodeEvent({ data: () => 1 }), /no JSON form/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(expectBadFrame(() => encodeEvent({ data: cyclic }), /JSON-stringified/).cause).toBeInstanceOf(TypeError);
    expectBadFrame(() => encodeEvent({ data: 1n }), /JSON-stringified/);
  });

  it('returns a frozen, recognisable value', () => {
    const encoded = encodeEvent({ data: 1 });
    expect(isEncodedEvent(encoded)).toBe(true);
    expect(isEncodedEvent({ bytes: encoded.bytes })).toBe(false);
    expect(isEncodedEvent(null)).toBe(false);
    expect(Object.isFrozen(encoded)).toBe(true);
  });
});
