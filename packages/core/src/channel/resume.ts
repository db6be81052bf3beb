import type { ChannelGap } from './types.js';

/** What the cursor made of one message. */
type CursorVerdict =
  /** Delivered (with any held messages it unblocked). */
  | 'delivered'
  /** Already delivered (`seq <= lastSeq`) or already held: dropped. */
  | 'duplicate'
  /** Held: messages before it are missing. Recover them (resubscribe with `after: lastSeq`). */
  | 'hole'
  /** Held: the channel has no resume point yet (its `subscribed` frame has not arrived). */
  | 'waiting';

/**
 * A channel's resume point and reorder buffer: turns messages that may arrive late, twice, out of order or with
 * holes into exactly-once, in-`seq`-order delivery. Pure bookkeeping; the client decides how to recover holes.
 */
export interface ResumeCursor<M extends { readonly seq: number }> {
  /** The newest `seq` delivered, or null before the first `subscribed` (a fresh subscription has no resume point). */
  readonly lastSeq: number | null;
  /** Messages received ahead of a hole, waiting for the missing ones. */
  readonly held: number;
  /** Feeds one message; returns the verdict and the messages to deliver now, in order. */
  message(message: M): { verdict: CursorVerdict; deliver: M[] };
  /**
   * The server confirmed a subscription whose newest `seq` is `seq`. Without a resume point this sets one
   * (held messages newer than it are kept). `behind` says messages up to `seq` are still missing.
   */
  subscribed(seq: number): { deliver: M[]; behind: boolean };
  /**
   * The server cannot replay `from..to`: the cursor skips past them. Returns the part that was really missing
   * (null when the frame was stale) and the held messages that became deliverable.
   */
  gap(channel: string, from: number, to: number): { gap: ChannelGap | null; deliver: M[] };
  /** Forgets the resume point and held messages (the subscription ended). */
  reset(): void;
  /** The log started over (a new epoch): the resume point is its start, held messages of the old one are dropped. */
  restart(): void;
}

/** Creates a {@link ResumeCursor}. */
export function createResumeCursor<M extends { readonly seq: number }>(): ResumeCursor<M> {
  let lastSeq: number | null = null;
  const held = new Map<number, M>();

  function drain(): M[] {
    const out: M[] = [];
    if (lastSeq === null) return out;
    let next = held.get(lastSeq + 1);
    while (next !== undefined) {
      held.delete(lastSeq + 1);
      lastSeq += 1;
      out.push(next);
      next = held.get(lastSeq + 1);
    }
    return out;
  }

  function discardUpTo(seq: number) {
    for (const key of [...held.keys()]) if (key <= seq) held.delete(key);
  }

  return {
    get lastSeq() {
      return lastSeq;
    },
    get held() {
      return held.size;
    },
    message(message) {
      const { seq } = message;
      if (lastSeq === null) {
        if (held.has(seq)) return { verdict: 'duplicate', deliver: [] };
        held.set(seq, message);
        return { verdict: 'waiting', deliver: [] };
      }
      if (seq <= lastSeq || held.has(seq)) return { verdict: 'duplicate', deliver: [] };
      if (seq === lastSeq + 1) {
        lastSeq = seq;
        return { verdict: 'delivered', deliver: [message, ...drain()] };
      }
      held.set(seq, message);
      return { verdict: 'hole', deliver: [] };
    },
    subscribed(seq) {
      if (lastSeq === null) {
        // Messages that arrived before the confirmation were published after we subscribed: keep them.
        let start = seq;
        for (const key of held.keys()) if (key - 1 < start) start = key - 1;
        lastSeq = Math.max(0, start);
        discardUpTo(lastSeq);
        const deliver = drain();
        return { deliver, behind: lastSeq < seq || held.size > 0 };
      }
      return { deliver: [], behind: lastSeq < seq || held.size > 0 };
    },
    gap(channel, from, to) {
      const base = lastSeq ?? 0;
      if (to <= base) return { gap: null, deliver: [] };
      const gap: ChannelGap = { channel, from: Math.max(from, base + 1), to, reason: 'trimmed' };
      lastSeq = to;
      discardUpTo(to);
      return { gap, deliver: drain() };
    },
    reset() {
      lastSeq = null;
      held.clear();
    },
    restart() {
      lastSeq = 0;
      held.clear();
    },
  };
}
