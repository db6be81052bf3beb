import type { ServerFrame } from '@realtime-kit/core';

/**
 * How a hub frame becomes a Server-Sent Event:
 * - `frame`: an unnamed event whose data is the whole frame as JSON (the session protocol, `createChannelEndpoint`);
 * - `event`: a named event for plain `EventSource` clients (`createSSEEndpoint`): a `message` frame is sent as
 *   `event: <frame.event>` with data `{ channel, seq, id, data, at, cid? }`; every other frame as `event: rk:<type>`
 *   with the whole frame as data.
 */
export type FrameEventFormat = 'frame' | 'event';

const encoder = new TextEncoder();
const LINE_BREAKS = /[\r\n]/g;

// Keyed by the frame object: the hub sends one (frozen) object per stored message to every subscriber, so a
// broadcast to N clients stringifies and UTF-8-encodes it once. Entries go when the frame is collected.
const jsonCache = new WeakMap<object, string>();
const frameCache = new WeakMap<object, Uint8Array>();
const eventCache = new WeakMap<object, Uint8Array>();
const wholeFrameCache = new WeakMap<object, Uint8Array>();
const wholeEventCache = new WeakMap<object, Uint8Array>();

/**
 * The JSON text of a server frame, computed once per frame object (cached in a `WeakMap`): sending the same frame
 * to many connections costs one `JSON.stringify`. Frames must not be mutated once sent (the hub's are frozen).
 *
 * @throws {TypeError} when the frame's data has no JSON form (a cycle or a BigInt).
 */
export function encodeFrame(frame: ServerFrame): string {
  let json = jsonCache.get(frame);
  if (json === undefined) {
    json = JSON.stringify(frame);
    jsonCache.set(frame, json);
  }
  return json;
}

/**
 * The field lines of one frame as a Server-Sent Event (`event:` and `data:` lines, UTF-8), without an `id:` line and
 * without the blank line that ends the event: append {@link encodeEventEnd} (per connection, as ids may differ).
 * Computed once per frame object and format, and shared: never mutate the returned bytes.
 *
 * @throws {TypeError} when the frame's data has no JSON form.
 */
export function encodeFrameEvent(frame: ServerFrame, format: FrameEventFormat): Uint8Array {
  const cache = format === 'frame' ? frameCache : eventCache;
  let bytes = cache.get(frame);
  if (bytes === undefined) {
    bytes = encoder.encode(format === 'frame' ? `data: ${encodeFrame(frame)}\n` : namedEventLines(frame));
    cache.set(frame, bytes);
  }
  return bytes;
}

/** The end of an event: its `id:` line when there is one, then the blank line. `id` must not contain CR, LF or NULL. */
export function encodeEventEnd(id?: string): Uint8Array {
  return id === undefined ? EVENT_END : encoder.encode(`id: ${id}\n\n`);
}

const EVENT_END = encoder.encode('\n');

// The last event built by encodeFrameEventWithId. In a broadcast loop, every stream with the same channels has the
// same id for the same frame: they all get this one array (one encode, and one chunk the stream need not copy).
let lastEvent: { frame: ServerFrame; format: FrameEventFormat; id: string; bytes: Uint8Array } | undefined;

/**
 * A whole event, as one array: the frame's shared lines ({@link encodeFrameEvent}), then `id: <id>` when given, then
 * the blank line. Without an id the result is cached per frame and format; with one, consecutive calls with the same
 * frame, format and id return the same array, so a broadcast to streams whose ids agree encodes the event once.
 * `id` must not contain CR, LF or NULL. Never mutate the returned bytes.
 */
export function encodeWholeFrameEvent(frame: ServerFrame, format: FrameEventFormat, id?: string): Uint8Array {
  if (id === undefined) {
    const cache = format === 'frame' ? wholeFrameCache : wholeEventCache;
    let whole = cache.get(frame);
    if (whole === undefined) {
      const lines = encodeFrameEvent(frame, format);
      whole = new Uint8Array(lines.byteLength + 1);
      whole.set(lines, 0);
      whole[lines.byteLength] = 0x0a;
      cache.set(frame, whole);
    }
    return whole;
  }
  if (lastEvent !== undefined && lastEvent.frame === frame && lastEvent.id === id && lastEvent.format === format)
    return lastEvent.bytes;
  const lines = encodeFrameEvent(frame, format);
  const end = encoder.encode(`id: ${id}\n\n`);
  const bytes = new Uint8Array(lines.byteLength + end.byteLength);
  bytes.set(lines, 0);
  bytes.set(end, lines.byteLength);
  lastEvent = { frame, format, id, bytes };
  return bytes;
}

/** The last events built by encodeDataEvent, by their text: a broadcast hands every stream the same one. */
const recentData: { json: string | undefined; bytes: Uint8Array }[] = Array.from({ length: 4 }, () => ({
  json: undefined,
  bytes: EVENT_END,
}));
let nextDataSlot = 0;

/**
 * A whole unnamed event without an id whose data is `json` (one line: JSON never holds a raw line break), e.g. a
 * compact session's frame. The last few are kept by text, so a broadcast encodes it once. Never mutate the result.
 */
export function encodeDataEvent(json: string): Uint8Array {
  for (const entry of recentData) if (entry.json === json) return entry.bytes;
  const slot = recentData[nextDataSlot] as (typeof recentData)[number];
  nextDataSlot = (nextDataSlot + 1) % recentData.length;
  slot.json = json;
  slot.bytes = encoder.encode(`data: ${json}\n\n`);
  return slot.bytes;
}

/** The event type a frame is sent as in the `event` format. */
function frameEventType(frame: ServerFrame): string {
  // JSON never contains a raw line break, but an event name could: it would end the field early and let the
  // rest pose as other fields, so line breaks are replaced (publishers are validated before they get here).
  return frame.type === 'message' ? frame.event.replace(LINE_BREAKS, ' ') : `rk:${frame.type}`;
}

function namedEventLines(frame: ServerFrame): string {
  if (frame.type !== 'message') return `event: ${frameEventType(frame)}\ndata: ${encodeFrame(frame)}\n`;
  const { channel, seq, id, data, at, cid } = frame;
  const payload = cid === undefined ? { channel, seq, id, data, at } : { channel, seq, id, data, at, cid };
  return `event: ${frameEventType(frame)}\ndata: ${JSON.stringify(payload)}\n`;
}
