import { describe, expect, it } from 'vitest';
import { encodeComment, encodeSSE } from './encode-sse.js';

describe('encodeSSE', () => {
  it('frames id, event, retry and JSON data, ending with a blank line', () => {
    expect(encodeSSE({ id: '1', event: 'price', retry: 500, data: { usd: 1 } })).toBe(
      'retry: 500\nevent: price\nid: 1\ndata: {"usd":1}\n\n',
    );
  });

  it('keeps strings as they are and splits every kind of line break into data lines', () => {
    expect(encodeSSE({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(encodeSSE({ data: '' })).toBe('data: \n\n');
  });

  it('encodes an empty id (which resets the client) and null data', () => {
    expect(encodeSSE({ id: '', data: null })).toBe('id: \ndata: null\n\n');
    expect(encodeSSE({ data: undefined })).toBe('data: null\n\n');
  });

  it('rejects line breaks in id and event, and bad retry values', () => {
    expect(() => encodeSSE({ id: 'a\nb', data: 1 })).toThrow(RangeError);
    expect(() => encodeSSE({ event: 'a\rb', data: 1 })).toThrow(RangeError);
    expect(() => encodeSSE({ retry: -1, data: 1 })).toThrow(RangeError);
    expect(() => encodeSSE({ retry: 1.5, data: 1 })).toThrow(RangeError);
  });
});

describe('encodeComment', () => {
  it('writes one comment line per line of text', () => {
    expect(encodeComment()).toBe(':\n');
    expect(encodeComment('ping')).toBe(': ping\n');
    expect(encodeComment('a\nb')).toBe(': a\n: b\n');
  });
});
