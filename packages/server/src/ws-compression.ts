// permessage-deflate (RFC 7692) for the WebSocket endpoint, compressed once per frame for every subscriber.
//
// `ws` compresses per socket: a broadcast to N clients would run deflate N times on the same bytes, and every socket
// that ever got a compressed message would keep its own zlib stream (~260 KiB at zlib's defaults) for life. Instead the
// endpoint negotiates `server_no_context_takeover` (each message is compressed on its own), so the compressed bytes of
// a frame are the same for every client: they are computed once per frame and window size, cached with the frame like
// its JSON (`encodeFrame`), and written as a finished WebSocket frame. No zlib state lives on any connection.
import type { IncomingMessage } from 'node:http';
import { constants, deflateRawSync } from 'node:zlib';
import type { ServerFrame } from '@realtime-kit/core';
import type { PerMessageDeflateOptions } from 'ws';
import { encodeFrame } from './encode-frame.js';

/** Default size (UTF-8 bytes of a frame's JSON) from which frames are compressed: 1 KiB, as `ws` and Socket.IO. */
export const DEFAULT_COMPRESSION_THRESHOLD = 1024;
/** Default zlib level: zlib's own default (6), as `ws` and Socket.IO use. Paid once per frame, not per client. */
export const DEFAULT_COMPRESSION_LEVEL = 6;

/** permessage-deflate settings: see `WebSocketEndpointOptions.compression`. */
export interface WebSocketCompressionOptions {
  /**
   * Frames whose JSON is smaller than this many bytes are sent uncompressed: below ~1 KiB deflate saves little (a
   * 150-byte chat line shrinks by ~10%) and costs a zlib call. Default 1024; `0` compresses everything.
   */
  readonly threshold?: number;
  /** zlib level, 1 (fastest) to 9 (smallest); 0 stores without compressing. Default 6, zlib's default. */
  readonly level?: number;
  /**
   * zlib `memLevel`, 1–9: memory of the compressor while it runs (it is freed after each frame). Default 8, zlib's
   * default.
   */
  readonly memLevel?: number;
  /**
   * Largest LZ77 window, 9–15 (512 B – 32 KiB). A client may ask for a smaller one (`server_max_window_bits`), which is
   * then used for it. Default 15.
   */
  readonly windowBits?: number;
}

/** Compression settings with every default filled in and checked. */
export interface ResolvedCompression {
  readonly threshold: number;
  readonly level: number;
  readonly memLevel: number;
  readonly windowBits: number;
}

/**
 * The settings for `compression` (`true` or omitted: the defaults; `false`: off).
 *
 * @throws {RangeError} when a setting is outside zlib's range.
 */
export function resolveCompression(
  option: boolean | WebSocketCompressionOptions | undefined,
): ResolvedCompression | undefined {
  if (option === false || option === undefined) return undefined;
  const settings = option === true ? {} : option;
  return {
    threshold: integerIn(
      settings.threshold ?? DEFAULT_COMPRESSION_THRESHOLD,
      0,
      Number.MAX_SAFE_INTEGER,
      'compression.threshold',
    ),
    level: integerIn(settings.level ?? DEFAULT_COMPRESSION_LEVEL, 0, 9, 'compression.level'),
    memLevel: integerIn(settings.memLevel ?? 8, 1, 9, 'compression.memLevel'),
    windowBits: integerIn(settings.windowBits ?? 15, 9, 15, 'compression.windowBits'),
  };
}

/**
 * The `perMessageDeflate` options of the endpoint's `WebSocketServer`. `server_no_context_takeover` is what makes a
 * frame's compressed bytes the same for every client (a server may always declare it, so no offer is refused). `ws`
 * itself only inflates what clients send: the endpoint never asks it to compress.
 */
export function perMessageDeflateOptions(settings: ResolvedCompression): PerMessageDeflateOptions {
  return {
    serverNoContextTakeover: true,
    threshold: settings.threshold,
    zlibDeflateOptions: { level: settings.level, memLevel: settings.memLevel },
  };
}

/**
 * The window a client accepted for our compressed frames, read from the handshake response `ws` is about to send
 * (its `headers` event): `undefined` when permessage-deflate was not negotiated (the client did not offer it).
 */
export function negotiatedWindowBits(responseHeaders: readonly string[]): number | undefined {
  for (const header of responseHeaders) {
    if (!/^sec-websocket-extensions:/i.test(header)) continue;
    if (!/\bpermessage-deflate\b/i.test(header)) return undefined;
    const bits = /\bserver_max_window_bits\s*=\s*"?(\d+)/i.exec(header);
    return bits ? Number(bits[1]) : 15;
  }
  return undefined;
}

/** Remembers, per upgrade request, the window `ws` negotiated (the `headers` event fires before the connection opens). */
export function windowBitsRecorder() {
  const negotiated = new WeakMap<IncomingMessage, number>();
  return {
    record(headers: readonly string[], request: IncomingMessage) {
      const bits = negotiatedWindowBits(headers);
      if (bits !== undefined) negotiated.set(request, bits);
    },
    take(request: IncomingMessage): number | undefined {
      const bits = negotiated.get(request);
      negotiated.delete(request);
      return bits;
    },
  };
}

const SYNC_FLUSH_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
/** FIN + RSV1 ("this message is compressed") + opcode 1 (text). */
const COMPRESSED_TEXT = 0x80 | 0x40 | 0x01;

/** Per frame object (the hub's, frozen and shared by every subscriber): its compressed WebSocket frame per window size, or null. */
const compressedCache = new WeakMap<object, Map<number, Buffer | null>>();

/**
 * The whole WebSocket frame (header and deflated payload) to write for `frame` to a client that accepted a window of
 * `windowBits`, or null when it goes uncompressed: under the threshold, a window zlib cannot honour (below 9 bits), or
 * when deflate does not make it smaller. Computed once per frame object, settings and window: never mutate the result.
 *
 * @throws {TypeError} when the frame's data has no JSON form (as `encodeFrame`).
 */
export function compressedFrame(frame: ServerFrame, settings: ResolvedCompression, windowBits: number): Buffer | null {
  // Most frames are small: those are settled without a lookup or an allocation (a UTF-16 unit is at most 3 bytes).
  if (encodeFrame(frame).length * 3 < settings.threshold) return null;
  const bits = Math.min(windowBits, settings.windowBits);
  let byWindow = compressedCache.get(frame);
  const cached = byWindow?.get(bits);
  if (cached !== undefined) return cached;
  const built = buildCompressedFrame(encodeFrame(frame), settings, bits);
  if (!byWindow) compressedCache.set(frame, (byWindow = new Map()));
  byWindow.set(bits, built);
  return built;
}

/** The last compressed frames built from a session encoder's text (compact sessions), by text and window. */
const recentTexts: { json: string | undefined; bits: number; bytes: Buffer | null }[] = Array.from(
  { length: 4 },
  () => ({ json: undefined, bits: 0, bytes: null }),
);
let nextTextSlot = 0;

/**
 * As {@link compressedFrame}, for a JSON text a session encoder made (compact sessions): the last few are kept by text,
 * as a broadcast hands every session the same one. Never mutate the result.
 */
export function compressedText(json: string, settings: ResolvedCompression, windowBits: number): Buffer | null {
  if (json.length * 3 < settings.threshold) return null;
  const bits = Math.min(windowBits, settings.windowBits);
  for (const entry of recentTexts) if (entry.json === json && entry.bits === bits) return entry.bytes;
  const slot = recentTexts[nextTextSlot] as (typeof recentTexts)[number];
  nextTextSlot = (nextTextSlot + 1) % recentTexts.length;
  slot.json = json;
  slot.bits = bits;
  slot.bytes = buildCompressedFrame(json, settings, bits);
  return slot.bytes;
}

function buildCompressedFrame(json: string, settings: ResolvedCompression, bits: number): Buffer | null {
  // zlib's raw deflate has no 256-byte window: a client that asked for 8 bits gets plain frames (always allowed).
  if (bits < 9) return null;
  if (Buffer.byteLength(json, 'utf8') < settings.threshold) return null;
  const text = Buffer.from(json, 'utf8');
  const deflated = deflateRawSync(text, {
    level: settings.level,
    memLevel: settings.memLevel,
    windowBits: bits,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  // RFC 7692 §7.2.1: the message is the sync-flushed deflate stream without its final 00 00 ff ff.
  if (!deflated.subarray(-4).equals(SYNC_FLUSH_TAIL)) return null;
  const length = deflated.byteLength - 4;
  if (length >= text.byteLength) return null;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerBytes + length);
  out[0] = COMPRESSED_TEXT;
  if (length < 126) out[1] = length;
  else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  deflated.copy(out, headerBytes, 0, length);
  return out;
}

function integerIn(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max}; got ${String(value)}.`);
  return value;
}
