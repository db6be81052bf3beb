import { constants, inflateRawSync } from 'node:zlib';
import type { ServerFrame } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from './encode-frame.js';
import {
  compressedFrame,
  DEFAULT_COMPRESSION_THRESHOLD,
  negotiatedWindowBits,
  resolveCompression,
} from './ws-compression.js';

const settings = resolveCompression(true)!;

function message(data: unknown): ServerFrame {
  return Object.freeze({
    type: 'message',
    channel: 'room',
    seq: 1,
    id: 'm1',
    event: 'doc',
    data,
    at: 1_700_000_000_000,
  }) as ServerFrame;
}

/** What a client does with a compressed frame: read the header, append 00 00 ff ff, inflate (RFC 7692 §7.2.2). */
function readFrame(bytes: Buffer, windowBits = 15): { fin: boolean; rsv1: boolean; opcode: number; text: string } {
  let length = bytes[1] as number;
  let offset = 2;
  if (length === 126) {
    length = bytes.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    length = Number(bytes.readBigUInt64BE(2));
    offset = 10;
  }
  expect(bytes.byteLength).toBe(offset + length);
  const payload = Buffer.concat([bytes.subarray(offset), Buffer.from([0x00, 0x00, 0xff, 0xff])]);
  const first = bytes[0] as number;
  return {
    fin: (first & 0x80) !== 0,
    rsv1: (first & 0x40) !== 0,
    opcode: first & 0x0f,
    text: inflateRawSync(payload, { windowBits, finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8'),
  };
}

/** Text that deflate shrinks but not to nothing: `n` pseudo-random words. */
function words(n: number, seed = 1): string {
  const pool = ['alpha', 'beta', 'gamma', 'delta', 'north', 'south', 'ünïcode', '数据'];
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return `${pool[state % pool.length]}${state % 997}`;
  }).join(' ');
}

describe('resolveCompression', () => {
  it('is off unless asked for, and fills in the defaults', () => {
    expect(resolveCompression(undefined)).toBeUndefined();
    expect(resolveCompression(true)).toEqual({
      threshold: DEFAULT_COMPRESSION_THRESHOLD,
      level: 6,
      memLevel: 8,
      windowBits: 15,
    });
    expect(resolveCompression(true)).toEqual(resolveCompression({}));
    expect(resolveCompression({ threshold: 0, level: 1 })).toMatchObject({ threshold: 0, level: 1 });
    expect(resolveCompression(false)).toBeUndefined();
  });

  it('rejects settings zlib would not take', () => {
    expect(() => resolveCompression({ level: 1.5 })).toThrow(/compression.level must be an integer from 0 to 9/);
    expect(() => resolveCompression({ windowBits: 16 })).toThrow(RangeError);
    expect(() => resolveCompression({ threshold: Number.NaN })).toThrow(RangeError);
  });
});

describe('negotiatedWindowBits', () => {
  it('reads the window from the handshake response, and nothing when the extension was not accepted', () => {
    expect(
      negotiatedWindowBits([
        'HTTP/1.1 101 Switching Protocols',
        'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover',
      ]),
    ).toBe(15);
    expect(
      negotiatedWindowBits([
        'sec-websocket-extensions: permessage-deflate; server_no_context_takeover; server_max_window_bits=10',
      ]),
    ).toBe(10);
    expect(negotiatedWindowBits(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket'])).toBeUndefined();
  });
});

describe('compressedFrame', () => {
  it('builds a final, compressed text frame that inflates back to the frame’s JSON', () => {
    const frame = message(words(400));
    const bytes = compressedFrame(frame, settings, 15);
    expect(bytes).not.toBeNull();
    const read = readFrame(bytes!);
    expect(read).toMatchObject({ fin: true, rsv1: true, opcode: 1 });
    expect(read.text).toBe(encodeFrame(frame));
    expect(bytes!.byteLength).toBeLessThan(Buffer.byteLength(encodeFrame(frame)));
  });

  it('writes each length form: 7-bit, 16-bit and 64-bit', () => {
    const small = compressedFrame(message('ab'.repeat(600)), settings, 15)!;
    expect(small[1]).toBeLessThan(126);
    const medium = compressedFrame(message(words(400, 2)), settings, 15)!;
    expect(medium[1]).toBe(126);
    const large = compressedFrame(message(words(60_000, 3)), settings, 15)!;
    expect(large[1]).toBe(127);
    for (const [bytes, data] of [
      [small, 'ab'.repeat(600)],
      [large, words(60_000, 3)],
    ] as const) {
      expect(JSON.parse(readFrame(bytes).text)).toMatchObject({ data });
    }
  });

  it('is computed once per frame and window, and honours a smaller window', () => {
    const frame = message(words(3000, 4));
    const wide = compressedFrame(frame, settings, 15);
    expect(compressedFrame(frame, settings, 15)).toBe(wide);
    const narrow = compressedFrame(frame, settings, 9)!;
    expect(narrow).not.toBe(wide);
    expect(readFrame(narrow, 9).text).toBe(encodeFrame(frame));
    // The configured window caps what a client may allow.
    expect(
      readFrame(compressedFrame(message(words(3000, 5)), resolveCompression({ windowBits: 10 })!, 15)!, 10).text,
    ).toContain('"seq":1');
  });

  it('leaves a frame plain under the threshold, when deflate does not shrink it, or for an 8-bit window', () => {
    expect(compressedFrame(message('x'.repeat(800)), settings, 15)).toBeNull();
    expect(compressedFrame(message('x'.repeat(800)), resolveCompression({ threshold: 0 })!, 15)).not.toBeNull();
    expect(compressedFrame(message(words(400, 6)), resolveCompression({ level: 0 })!, 15)).toBeNull();
    expect(compressedFrame(message(words(400, 7)), settings, 8)).toBeNull();
  });
});
