import { ENCODING_PARAMETER, type ServerFrame } from '../protocol/frames.js';
import { withQueryParam } from '../websocket/socket-attempts.js';

/**
 * A server-frame encoding a transport can ask for (`compactFrames` from `@realtime-kit/core`). Everything it needs is
 * here, so a transport without one ships none of it: the URL that asks for it (`?encoding=<name>`), and a reader that
 * decodes a session's frames once the server's `welcome` names the encoding, and reads them as plain JSON frames
 * otherwise (an older server).
 */
export interface FrameEncoding {
  /** Sent as `?encoding=` and confirmed by the server in `welcome.encoding`. */
  readonly name: string;
  /** `url` asking for the encoding. */
  url(url: string): string;
  /** A reader of one transport's frames, session after session: a parsed JSON value in, the frame out (or undefined). */
  reader(): (value: unknown) => ServerFrame | undefined;
}

/** A plain JSON frame: an object with a string `type`; anything else is not a frame. */
export function plainFrame(value: unknown): ServerFrame | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof (value as { type?: unknown }).type === 'string' ? (value as ServerFrame) : undefined;
}

/** `url` with `?encoding=<name>`, keeping the rest of its query and its fragment. */
export function urlAskingFor(url: string, name: string): string {
  return withQueryParam(url, ENCODING_PARAMETER, name);
}

/**
 * Reads a transport's parsed frames, session by session: plain JSON frames until a `welcome` names `name`, then
 * through a decoder of that session (`createDecoder`). Returns undefined for a value that is not a frame.
 */
export function createFrameReader(
  name: string,
  createDecoder: () => (value: unknown) => ServerFrame | undefined,
): (value: unknown) => ServerFrame | undefined {
  let decode: ((value: unknown) => ServerFrame | undefined) | undefined;
  return (value) => {
    const frame = decode ? decode(value) : plainFrame(value);
    // Every session begins with a plain `welcome`, which says how the rest of it is encoded.
    if (frame?.type === 'welcome') decode = frame.encoding === name ? createDecoder() : undefined;
    return frame;
  };
}
