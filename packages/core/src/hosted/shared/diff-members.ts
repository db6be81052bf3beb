import type { PresenceMember, ServerFrame } from '../../protocol/frames.js';
import { safeJson } from '../../lib/safe-json.js';

type PresenceChangeFrame = Extract<ServerFrame, { type: 'presence'; action: 'enter' | 'update' | 'leave' }>;

/**
 * The presence frames that take a client from `previous` to `next` (both keyed by user id): a `leave` for each
 * member gone, then an `enter` for each new one and an `update` for each that changed (see {@link sameMember}).
 */
export function diffMembers(
  channel: string,
  previous: ReadonlyMap<string, PresenceMember>,
  next: ReadonlyMap<string, PresenceMember>,
): PresenceChangeFrame[] {
  const frames: PresenceChangeFrame[] = [];
  for (const [userId, member] of previous) {
    if (!next.has(userId)) frames.push({ type: 'presence', channel, action: 'leave', member });
  }
  for (const [userId, member] of next) {
    const before = previous.get(userId);
    if (before === undefined) frames.push({ type: 'presence', channel, action: 'enter', member });
    else if (!sameMember(before, member)) frames.push({ type: 'presence', channel, action: 'update', member });
  }
  return frames;
}

/** Whether a client would show `a` and `b` the same: connections, status and data (compared as JSON). */
export function sameMember(a: PresenceMember, b: PresenceMember): boolean {
  return (
    a.connections === b.connections &&
    a.status === b.status &&
    (Object.is(a.data, b.data) || safeJson(a.data) === safeJson(b.data))
  );
}
