import { ENCODING_PARAMETER, type ServerFrame } from '../protocol/frames.js';
import { withQueryParam } from '../websocket/socket-attempts.js';

/**
 * A server-frame encoding a transport can ask for (`compactFrames` from `@realtime-kit/core`). The transport connects
 * with `?encoding=<name>`; when the server's `welcome` names it, the session's later frames are read with a fresh
 * decoder, otherwise (an older server) as plain JSON frames.
 */
export interface FrameEncoding {
  /** Sent as `?encoding=` and confirmed by the server in `welcome.encoding`. */
  readonly name: string;
  /** A decoder for one session: a parsed JSON value in, the frame out (undefined: not a frame, `bad_frame`). */
  createDecoder(): (value: unknown) => ServerFrame | undefined;
}

/** `url` asking for `encoding` (unchanged without one). */
export function urlAskingFor(url: string, encoding: FrameEncoding | undefined): string {
  return encoding === undefined ? url : withQueryParam(url, ENCODING_PARAMETER, encoding.name);
}

/**
 * Reads a transport's parsed frames, session by session: plain JSON frames until a `welcome` confirms `encoding`,
 * then through a decoder of that session. Returns undefined for a value that is not a frame.
 */
export function createFrameReader(encoding: FrameEncoding | undefined): (value: unknown) => ServerFrame | undefined {
  let decode: ((value: unknown) => ServerFrame | undefined) | undefined;
  return (value) => {
    const frame = decode ? decode(value) : plainFrame(value);
    // Every session begins with a plain `welcome`, which says how the rest of it is encoded.
    if (frame?.type === 'welcome')
      decode = encoding !== undefined && frame.encoding === encoding.name ? encoding.createDecoder() : undefined;
    return frame;
  };
}

/** An object with a string `type`; anything else is not a frame. */
function plainFrame(value: unknown): ServerFrame | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof (value as { type?: unknown }).type === 'string' ? (value as ServerFrame) : undefined;
}
