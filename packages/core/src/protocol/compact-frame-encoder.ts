import type { ServerFrame } from './frames.js';
import {
  COMPACT_KEYS,
  COMPACT_MESSAGE_FIELDS,
  COMPACT_TYPES,
  ID_ALPHABET,
  MESSAGE_POSITIONAL_FIELDS,
  own,
} from './compact-frame-keys.js';

/**
 * How a compact `message` frame names its channel and event: by an alias number the session already knows
 * (`define: false`), by an alias defined in this frame (`define: true`), or inline (undefined: both names sent).
 */
export interface CompactTopic {
  readonly alias: number;
  readonly define: boolean;
}

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The JSON text of a server frame in the compact encoding (see PROTOCOL.md, "Compact frames"). A `message` becomes
 * `[topic, id, seq, data, extras?]`; the other frames objects with short keys and type codes. A frame with a field the
 * encoding has no name for is sent as plain JSON, which a compact decoder reads too: nothing is ever dropped.
 *
 * @throws {TypeError} when the frame's data has no JSON form (a cycle or a BigInt).
 */
export function encodeCompactFrame(frame: ServerFrame, topic?: CompactTopic): string {
  if (frame.type === 'message') return encodeMessage(frame, topic);
  const type = own(COMPACT_TYPES, frame.type);
  const compact: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(frame)) {
    const short = own(COMPACT_KEYS, key);
    if (short === undefined || type === undefined) return JSON.stringify(frame);
    compact[short] = key === 'type' ? type : value;
  }
  return JSON.stringify(compact);
}

function encodeMessage(frame: MessageFrame, topic: CompactTopic | undefined): string {
  const extras: Record<string, unknown> = {};
  const shortId = compactId(frame.id, frame.at);
  for (const [key, value] of Object.entries(frame)) {
    if (MESSAGE_POSITIONAL_FIELDS.includes(key) || value === undefined) continue;
    const short = own(COMPACT_MESSAGE_FIELDS, key);
    if (short === undefined) return JSON.stringify(frame);
    if (key !== 'at' || shortId === undefined) extras[short] = value;
  }
  if (frame.data === undefined) extras.u = 1;
  const names =
    topic === undefined
      ? [frame.channel, frame.event]
      : topic.define
        ? [topic.alias, frame.channel, frame.event]
        : topic.alias;
  const parts: unknown[] = [names, shortId ?? frame.id, frame.seq, frame.data ?? null];
  for (const _ in extras) {
    parts.push(extras);
    break;
  }
  return JSON.stringify(parts);
}

/** A UUID v7 whose timestamp is `at`, as 22 base64url characters; undefined for any other id (sent as it is). */
function compactId(id: string, at: number): string | undefined {
  if (!UUID_V7.test(id) || parseInt(id.slice(0, 8) + id.slice(9, 13), 16) !== at) return undefined;
  const hex = id.replace(/-/g, '');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < hex.length; i += 2) {
    buffer = (buffer << 8) | parseInt(hex.slice(i, i + 2), 16);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += ID_ALPHABET[(buffer >> bits) & 63];
    }
    buffer &= (1 << bits) - 1;
  }
  return out + ID_ALPHABET[(buffer << (6 - bits)) & 63];
}
