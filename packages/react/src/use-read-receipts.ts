import { useCallback, useMemo } from 'react';
import { createReadReceipts, type Channel, type ReadReceiptMap } from '@realtime-kit/core';
import { useStore } from './lib/use-store.js';

/** Options for {@link useReadReceipts}. */
export interface UseReadReceiptsOptions<M extends { readonly id: string }> {
  /** The messages in display order (oldest first), to count what you have not read and to answer `seenBy`. */
  messages?: readonly M[];
  /** Your own messages do not count as unread. Default: none are yours. */
  isOwn?: (message: M) => boolean;
  /** Receipts you already know (from your database), by user id. Read once, when the channel changes. */
  initial?: Readonly<Record<string, string>>;
}

/** What {@link useReadReceipts} returns. */
export interface UseReadReceiptsResult {
  /** Each member's last-read message id, by user id (yours included). */
  readonly receipts: ReadReceiptMap;
  /** Your own last-read id, or null. */
  readonly lastRead: string | null;
  /** Messages after your last-read one (all of `messages` before your first `markRead`), not counting your own. */
  readonly unread: number;
  /** You have read up to `id` (call it for the newest message on screen). */
  readonly markRead: (id: string) => void;
  /** The others (not you) whose last-read message is `id` or newer, by `messages` order. */
  readonly seenBy: (id: string) => readonly string[];
}

const NO_RECEIPTS: ReadReceiptMap = new Map();

/**
 * Read receipts on `channel`: "Seen by …" under a message and your unread count. Receipts are ephemeral signals;
 * each member re-announces theirs on reconnect and to newcomers, so everyone present knows everyone's.
 * @example
 * const { unread, markRead, seenBy } = useReadReceipts(room, { messages, isOwn: (m) => m.data.author === me.id })
 * useEffect(() => { if (visible && last) markRead(last.id) }, [visible, last])
 */
export function useReadReceipts<M extends { readonly id: string }>(
  channel: Pick<Channel, 'signal' | 'onSignal' | 'userId' | 'presence' | 'subscribe' | 'getSnapshot'>,
  options: UseReadReceiptsOptions<M> = {},
): UseReadReceiptsResult {
  const { messages, isOwn, initial } = options;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `initial` seeds a new store only.
  const store = useMemo(() => createReadReceipts(channel, { initial }), [channel]);
  const receipts = useStore(store, NO_RECEIPTS);
  const self = channel.userId;
  const lastRead = (self !== null ? receipts.get(self) : undefined) ?? store.lastRead();

  // Scans from the newest message back, never over the whole list: a room with 100k loaded messages pays for the
  // messages after your last read (usually a handful), not for the 100k.
  const unread = useMemo(() => {
    if (!messages) return 0;
    let count = 0;
    for (let position = messages.length - 1; position >= 0; position -= 1) {
      const message = messages[position] as M;
      if (message.id === lastRead) break;
      if (!isOwn?.(message)) count += 1;
    }
    return count;
  }, [messages, lastRead, isOwn]);

  const seenBy = useCallback(
    (id: string): readonly string[] => {
      if (!messages) return [];
      const arrival = [...receipts.keys()];
      const order = (userId: string) => arrival.indexOf(userId);
      const wanted = new Map<string, string[]>();
      for (const [userId, readId] of receipts) {
        if (userId === self || userId === '') continue;
        wanted.set(readId, [...(wanted.get(readId) ?? []), userId]);
      }
      // Everyone whose last read is at or after `id`: collect readers from the newest message back to `id`.
      const readers: string[] = [];
      for (let position = messages.length - 1; position >= 0; position -= 1) {
        const messageId = (messages[position] as M).id;
        readers.push(...(wanted.get(messageId) ?? []));
        if (messageId === id) return readers.sort((a, b) => order(a) - order(b));
      }
      return [];
    },
    [messages, receipts, self],
  );
  return useMemo(
    () => ({ receipts, lastRead, unread, markRead: store.markRead, seenBy }),
    [receipts, lastRead, unread, store, seenBy],
  );
}
