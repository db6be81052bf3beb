import type { HubMessage } from '@realtime-kit/core';
import { isRecord } from './connection.js';

/** Parses a stored message JSON into a frozen {@link HubMessage} with the memory broker's key order; `undefined` if malformed. */
export function parseMessage(text: string): HubMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || raw.type !== 'message') return undefined;
  const { channel, id, seq, event, data, cid, at, from } = raw;
  if (
    typeof channel !== 'string' ||
    typeof id !== 'string' ||
    typeof seq !== 'number' ||
    typeof event !== 'string' ||
    typeof at !== 'number'
  ) {
    return undefined;
  }
  if (cid !== undefined && typeof cid !== 'string') return undefined;
  return Object.freeze({
    type: 'message',
    channel,
    id,
    seq,
    event,
    data,
    ...(cid === undefined ? {} : { cid }),
    at,
    ...(typeof from === 'string' ? { from } : {}),
  });
}
