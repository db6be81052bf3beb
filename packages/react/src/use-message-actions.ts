import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Channel, EventMap, MessageRef, PublishReceipt, ReactionSummary } from '@realtime-kit/core';
import { createCid } from './lib/create-cid.js';

/** A change made here and not yet seen come back from the server. */
export type PendingChange =
  | { readonly kind: 'update'; readonly data: unknown }
  | { readonly kind: 'delete' }
  | { readonly kind: 'reaction'; readonly reaction: string; readonly op: 'add' | 'remove' };

/** What a list item needs for {@link UseMessageActionsResult.apply}: a message, or an `OptimisticItem`. */
interface ActionTarget {
  readonly id?: string;
  readonly data: unknown;
  readonly deleted?: boolean;
  readonly reactions?: ReactionSummary;
}

/** The last change the server refused, rolled back: show `error.message` by the message. */
export interface RefusedChange {
  readonly messageId: string;
  readonly change: PendingChange;
  readonly error: Error;
}

export interface UseMessageActionsResult {
  /** Edits a message (yours, or any for a moderator): shown at once, rolled back if refused. */
  edit(message: MessageRef, data: unknown): Promise<PublishReceipt>;
  /** Deletes a message: a tombstone at once, rolled back if refused. */
  remove(message: MessageRef): Promise<PublishReceipt>;
  /** Adds this user's reaction (shown counted at once). */
  react(message: MessageRef, reaction: string): Promise<PublishReceipt>;
  unreact(message: MessageRef, reaction: string): Promise<PublishReceipt>;
  /** Changes in flight by message id, oldest first. */
  readonly pending: ReadonlyMap<string, readonly PendingChange[]>;
  /** `items` with the changes in flight shown: edited data, tombstones, reaction counts. Pure; cheap when none. */
  apply<I extends ActionTarget>(items: readonly I[]): readonly (I & { readonly pendingChange?: boolean })[];
  /** The newest refused change (its optimistic state is gone), or null. */
  readonly refused: RefusedChange | null;
  /** Forgets `refused`. */
  dismiss(): void;
}

interface Flight {
  readonly cid: string;
  readonly messageId: string;
  readonly change: PendingChange;
}

/**
 * Edit, delete and react with optimistic states and rollback (see `channel.edit`, `remove`, `react`). A change shows
 * at once through `apply(items)` and stays shown until the server's echo of it arrives (matched by its `cid`, so the
 * old text never flashes back in between), or until it is refused: then it is rolled back and `refused` says why.
 * @example
 * const [items, send] = useOptimisticPublish(room, 'message')
 * const actions = useMessageActions(room)
 * actions.apply(items).map((m) => <Row key={m.key} message={m} onDelete={() => actions.remove(m.id!)} />)
 */
export function useMessageActions<Events extends EventMap>(channel: Channel<Events>): UseMessageActionsResult {
  const anyChannel = channel as unknown as Channel;
  const [flights, setFlights] = useState<readonly Flight[]>([]);
  const [refused, setRefused] = useState<RefusedChange | null>(null);

  useEffect(() => {
    setFlights([]);
    // Any event: the echo of a change comes under the message's event, whichever it is.
    return anyChannel.subscribe('*', (message) => {
      const { cid } = message;
      if (message.action !== undefined && cid !== undefined)
        setFlights((current) => (current.some((f) => f.cid === cid) ? current.filter((f) => f.cid !== cid) : current));
    });
  }, [anyChannel]);

  const run = useCallback(
    async (message: MessageRef, change: PendingChange, send: (cid: string) => Promise<PublishReceipt>) => {
      const flight: Flight = {
        cid: createCid(),
        messageId: typeof message === 'string' ? message : message.id,
        change,
      };
      setFlights((current) => [...current, flight]);
      try {
        return await send(flight.cid);
      } catch (error) {
        setFlights((current) => current.filter((f) => f !== flight));
        setRefused({
          messageId: flight.messageId,
          change,
          error: error instanceof Error ? error : new Error(String(error)),
        });
        throw error;
      }
    },
    [],
  );

  return useMemo(() => {
    const pending = new Map<string, PendingChange[]>();
    for (const flight of flights)
      pending.set(flight.messageId, [...(pending.get(flight.messageId) ?? []), flight.change]);
    const userId = anyChannel.userId ?? '';
    return {
      edit: (message, data) =>
        run(message, { kind: 'update', data }, (cid) => anyChannel.edit(message, data as never, { cid })),
      remove: (message) => run(message, { kind: 'delete' }, (cid) => anyChannel.remove(message, { cid })),
      react: (message, reaction) =>
        run(message, { kind: 'reaction', reaction, op: 'add' }, (cid) => anyChannel.react(message, reaction, { cid })),
      unreact: (message, reaction) =>
        run(message, { kind: 'reaction', reaction, op: 'remove' }, (cid) =>
          anyChannel.unreact(message, reaction, { cid }),
        ),
      pending,
      apply: (items) =>
        pending.size === 0
          ? items
          : items.map((item) => {
              const changes = item.id === undefined ? undefined : pending.get(item.id);
              return changes ? { ...showChanges(item, changes, userId), pendingChange: true } : item;
            }),
      refused,
      dismiss: () => setRefused(null),
    };
  }, [anyChannel, flights, refused, run]);
}

/** `item` as it will be once `changes` are stored (reactions counted for `userId`). */
function showChanges<I extends ActionTarget>(item: I, changes: readonly PendingChange[], userId: string): I {
  let shown: I = item;
  for (const change of changes) {
    if (change.kind === 'update') shown = { ...shown, data: change.data };
    else if (change.kind === 'delete') shown = { ...shown, data: null, deleted: true };
    else shown = { ...shown, reactions: withReaction(shown.reactions ?? {}, change, userId) };
  }
  return shown;
}

function withReaction(
  summary: ReactionSummary,
  { reaction, op }: { reaction: string; op: 'add' | 'remove' },
  userId: string,
): ReactionSummary {
  const current = summary[reaction] ?? { count: 0, users: [], clipped: false };
  const mine = current.users.includes(userId);
  const next = { ...summary };
  if (op === 'add') {
    if (mine) return summary;
    next[reaction] = { ...current, count: current.count + 1, users: [...current.users, userId] };
  } else {
    if (!mine) return summary;
    const count = current.count - 1;
    if (count <= 0) delete next[reaction];
    else next[reaction] = { ...current, count, users: current.users.filter((user) => user !== userId) };
  }
  return next;
}
