import { useMemo } from 'react';
import { createRoomReactions, type Channel, type RoomReaction, type RoomReactionsOptions } from '@realtime-kit/core';
import { useStore } from './lib/use-store.js';

/** What {@link useRoomReactions} returns. */
export interface UseRoomReactionsResult {
  /** The reactions sent lately (yours included), oldest first; each leaves after `showMs`. */
  readonly reactions: readonly RoomReaction[];
  /** Sends a reaction to everyone in the room; false when throttled or not connected. */
  readonly send: (reaction: string) => boolean;
}

const NONE: readonly RoomReaction[] = /* @__PURE__ */ Object.freeze([]);

/**
 * Room reactions: ephemeral emoji everyone in the channel sees float by (never stored). Throttled per sender
 * (`throttleMs`, default 150 ms); each stays `showMs` (default 3 s).
 * @example
 * const { reactions, send } = useRoomReactions(room)
 * <Button onClick={() => send('👏')}>👏</Button>
 * {reactions.map((r) => <span key={r.key}>{r.reaction}</span>)}
 */
export function useRoomReactions(
  channel: Pick<Channel, 'signal' | 'onSignal' | 'userId'>,
  options: Omit<RoomReactionsOptions, 'now'> = {},
): UseRoomReactionsResult {
  const { throttleMs, showMs } = options;
  const room = useMemo(() => createRoomReactions(channel, { throttleMs, showMs }), [channel, throttleMs, showMs]);
  const reactions = useStore(room, NONE);
  return useMemo(() => ({ reactions, send: room.send }), [reactions, room]);
}
