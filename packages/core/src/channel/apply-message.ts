import type { ReactionChange } from '../protocol/frames.js';
import type { ChannelMessage } from './types.js';

/**
 * A list of messages after `message`: a new one is appended (once, however often it comes), an `update` replaces the
 * target's data when its version is newer, a `delete` leaves a tombstone (`deleted: true`, `data: null`), a `reaction`
 * sets the target's `reactions` summary. Changes to messages not in the list are ignored. Returns the same array when
 * nothing changed, so a React state keeps its identity.
 *
 * ```ts
 * room.subscribe('message', (message) => setMessages((list) => applyMessage(list, message)))
 * ```
 */
export function applyMessage<M extends ChannelMessage>(messages: readonly M[], message: M): readonly M[] {
  if (message.action === undefined) {
    return messages.some((kept) => kept.id === message.id) ? messages : [...messages, message];
  }
  const index = messages.findIndex((kept) => kept.id === message.target);
  if (index < 0) return messages;
  const target = messages[index]!;
  let changed: M;
  if (message.action === 'reaction') {
    changed = { ...target, reactions: (message.data as ReactionChange).summary };
  } else {
    // Versions only grow: a replayed older edit changes nothing.
    if ((message.version ?? 0) <= (target.version ?? 1)) return messages;
    changed =
      message.action === 'update'
        ? { ...target, data: message.data, version: message.version }
        : { ...target, data: null, version: message.version, deleted: true };
  }
  const next = messages.slice();
  next[index] = changed;
  return next;
}
