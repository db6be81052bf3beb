import type { ServerFrame } from './frames.js';
import {
  COMPACT_KEYS,
  COMPACT_MESSAGE_FIELDS,
  COMPACT_TYPES,
  ID_ALPHABET,
  MAX_SESSION_TOPICS,
  inverted,
  own,
} from './compact-frame-keys.js';

interface Names {
  readonly keys: Record<string, string>;
  readonly types: Record<string, string>;
  readonly fields: Record<string, string>;
}
// Built on first use, not at import: see compact-frame-keys.ts.
let names: Names | undefined;

/**
 * A decoder for one session's frames in the compact encoding (see PROTOCOL.md, "Compact frames"): each parsed JSON
 * value in, the frame out, or undefined when the value is not a frame (the transport reports `bad_frame`). It keeps
 * the topic aliases the server defined, so use a new one for every session. Plain JSON frames (`welcome`, and frames
 * the server could not encode compactly) pass through.
 */
export function createCompactFrameDecoder(): (value: unknown) => ServerFrame | undefined {
  const topics = new Map<number, readonly unknown[]>();
  const { keys, types, fields } = (names ??= {
    keys: inverted(COMPACT_KEYS),
    types: inverted(COMPACT_TYPES),
    fields: inverted(COMPACT_MESSAGE_FIELDS),
  });
  return (value) => {
    if (Array.isArray(value)) return decodeMessage(value, topics, fields);
    if (typeof value !== 'object' || value === null) return undefined;
    if (typeof (value as { type?: unknown }).type === 'string') return value as ServerFrame;
    const frame: Record<string, unknown> = {};
    for (const [short, field] of Object.entries(value)) {
      const long = own(keys, short);
      if (long === undefined) return undefined;
      frame[long] = field;
    }
    const type = own(types, frame.type as string);
    return type === undefined ? undefined : ({ ...frame, type } as ServerFrame);
  };
}

function decodeMessage(
  parts: unknown[],
  topics: Map<number, readonly unknown[]>,
  fields: Record<string, string>,
): ServerFrame | undefined {
  const [topic, id, seq, data, extras = {}] = parts;
  let pair: readonly unknown[] | undefined;
  if (typeof topic === 'number') pair = topics.get(topic);
  else if (Array.isArray(topic) && topic.length === 3) {
    pair = topic.slice(1);
    if (typeof topic[0] === 'number' && (topics.size < MAX_SESSION_TOPICS || topics.has(topic[0])))
      topics.set(topic[0], pair);
  } else if (Array.isArray(topic) && topic.length === 2) pair = topic;
  if (
    parts.length < 4 ||
    parts.length > 5 ||
    typeof pair?.[0] !== 'string' ||
    typeof pair[1] !== 'string' ||
    typeof id !== 'string' ||
    typeof seq !== 'number' ||
    typeof extras !== 'object' ||
    extras === null ||
    Array.isArray(extras)
  )
    return undefined;
  const frame: Record<string, unknown> = { type: 'message', channel: pair[0], id, seq, event: pair[1], data };
  for (const [short, field] of Object.entries(extras)) {
    const long = own(fields, short);
    if (long !== undefined) frame[long] = field;
    else if (short === 'u' && field === 1) delete frame.data;
    else return undefined;
  }
  if (frame.at === undefined) {
    const hex = idHex(id);
    if (hex === undefined) return undefined;
    frame.id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    frame.at = parseInt(hex.slice(0, 12), 16);
  }
  return typeof frame.at === 'number' ? (frame as ServerFrame) : undefined;
}

/** The 32 hex digits of a 22-character compact id, or undefined when it is not one. */
function idHex(id: string): string | undefined {
  if (id.length !== 22) return undefined;
  let hex = '';
  let buffer = 0;
  let bits = 0;
  for (const char of id) {
    const digit = ID_ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    buffer = (buffer << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((buffer >> bits) & 255).toString(16).padStart(2, '0');
    }
    buffer &= (1 << bits) - 1;
  }
  return hex;
}
