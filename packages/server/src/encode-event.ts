import { RealtimeError } from '@realtime-kit/core';

/** One Server-Sent Event, before it is encoded onto the wire. */
export interface ServerSentEvent {
  /**
   * Event id. The browser remembers it and sends it back as `Last-Event-ID` when it reconnects,
   * so the server can resume. Must not contain CR, LF or NULL.
   */
  id?: string;
  /** Event type: clients receive it through `addEventListener(event)` rather than `onmessage`. Must not contain CR or LF. */
  event?: string;
  /** Payload. A string is sent as it is (line breaks become several `data:` lines); anything else goes through `JSON.stringify`. */
  data: unknown;
  /** Reconnection delay hint for the client, in milliseconds (a non-negative integer). */
  retry?: number;
}

const ENCODED: unique symbol = Symbol.for('realtime-kit.encoded-event');

/**
 * A frame encoded once by {@link encodeEvent}: pass it to `send()` on any number of streams and each
 * writes the same bytes, so a broadcast to N clients costs one `JSON.stringify` and one UTF-8 encoding.
 */
export interface EncodedEvent {
  /** The frame's UTF-8 bytes. Shared by every stream it is sent to: never mutate them. */
  readonly bytes: Uint8Array;
  readonly [ENCODED]: true;
}

// The SSE grammar ends a line at CRLF, CR or LF: each must start a new `data:` line, never travel inside one.
const LINE_BREAK = /\r\n|\r|\n/;
const encoder = new TextEncoder();

/**
 * Encodes an event once into an {@link EncodedEvent}, for broadcasting the same frame to many streams.
 *
 * @throws {RealtimeError} `bad_frame` when `id` or `event` contains a line break (or `id` a NULL),
 * `retry` is not a non-negative integer, or `data` has no JSON form.
 */
export function encodeEvent(event: ServerSentEvent): EncodedEvent {
  return Object.freeze({ bytes: encodeEventBytes(event), [ENCODED]: true as const });
}

/** True when `value` came from {@link encodeEvent} (in this or another copy of the package). */
export function isEncodedEvent(value: unknown): value is EncodedEvent {
  return typeof value === 'object' && value !== null && (value as Partial<EncodedEvent>)[ENCODED] === true;
}

/** @internal The UTF-8 bytes of one event frame, validated. */
export function encodeEventBytes(event: ServerSentEvent): Uint8Array {
  if (typeof event !== 'object' || event === null) {
    throw new RealtimeError(
      'bad_frame',
      `send() takes an event object like { data }, or an EncodedEvent; got ${typeof event}.`,
    );
  }
  const { id, event: type, data, retry } = event;
  let frame = '';
  if (id !== undefined) {
    if (typeof id !== 'string' || /[\r\n\0]/.test(id)) {
      throw new RealtimeError(
        'bad_frame',
        `Event id ${JSON.stringify(id)} is not valid: ids are strings without CR, LF or NULL.`,
      );
    }
    frame += `id: ${id}\n`;
  }
  if (type !== undefined) {
    if (typeof type !== 'string' || /[\r\n]/.test(type)) {
      throw new RealtimeError(
        'bad_frame',
        `Event type ${JSON.stringify(type)} is not valid: event types are strings without CR or LF.`,
      );
    }
    frame += `event: ${type}\n`;
  }
  if (retry !== undefined) frame += retryLine(retry);
  for (const line of serialize(data).split(LINE_BREAK)) frame += `data: ${line}\n`;
  return encoder.encode(`${frame}\n`);
}

/** @internal A block that only sets the client's reconnection delay. */
export function encodeRetry(retry: number): Uint8Array {
  return encoder.encode(`${retryLine(retry)}\n`);
}

/** @internal A comment block; clients ignore it, proxies see traffic. */
export function encodeComment(text = ''): Uint8Array {
  if (typeof text !== 'string') {
    throw new RealtimeError('bad_frame', `A comment must be a string; got ${typeof text}.`);
  }
  if (text === '') return encoder.encode(':\n\n');
  let block = '';
  for (const line of text.split(LINE_BREAK)) block += `: ${line}\n`;
  return encoder.encode(`${block}\n`);
}

function retryLine(retry: number): string {
  if (!Number.isSafeInteger(retry) || retry < 0) {
    throw new RealtimeError(
      'bad_frame',
      `retry must be a non-negative integer number of milliseconds; got ${String(retry)}.`,
    );
  }
  return `retry: ${retry}\n`;
}

function serialize(data: unknown): string {
  if (typeof data === 'string') return data;
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (cause) {
    throw new RealtimeError(
      'bad_frame',
      'Event data could not be JSON-stringified (a cycle or a BigInt?). Send a string or a JSON-serializable value.',
      { cause },
    );
  }
  if (text === undefined) {
    throw new RealtimeError(
      'bad_frame',
      `Event data of type ${typeof data} has no JSON form. Send a string or a JSON-serializable value (null for "no data").`,
    );
  }
  return text;
}
