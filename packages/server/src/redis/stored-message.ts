import type { HubMessage } from '@realtime-kit/core';
import { isRecord } from './connection.js';

type StoredAction = NonNullable<HubMessage['action']>;

function isStoredAction(value: unknown): value is StoredAction {
  return value === 'update' || value === 'delete' || value === 'reaction';
}

/** Parses a stored message JSON into a frozen {@link HubMessage} with the memory broker's key order; `undefined` if malformed. */
export function parseMessage(text: string): HubMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || raw.type !== 'message') return undefined;
  const { channel, id, seq, event, data, cid, at, from, action, target, version } = raw;
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
  // A change read as anything else (a new message, another target) would show the wrong thing: malformed instead.
  if (action !== undefined && !isStoredAction(action)) return undefined;
  if (target !== undefined && typeof target !== 'string') return undefined;
  if (version !== undefined && typeof version !== 'number') return undefined;
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
    ...(action === undefined ? {} : { action }),
    ...(target === undefined ? {} : { target }),
    ...(version === undefined ? {} : { version }),
  });
}

/**
 * How every stored message JSON starts, up to its seq: the publish script writes the seq after it, and `find` knows a
 * message by it (a prefix, so no `data` can be mistaken for the message's own id).
 */
export function messageJsonHead(channel: string, id: string): string {
  return `{"type":"message","channel":${JSON.stringify(channel)},"id":${JSON.stringify(id)},"seq":`;
}
