/**
 * The frames waiting for one long-polling client, handed out in numbered batches. A batch stays until the client
 * acknowledges it (its next poll carries `ack=<batch>`): an answer lost on the way (a proxy, a balancer that gave
 * up, an instance that relayed it and died) is sent again by the next poll, so nothing is lost and nothing repeated.
 */
export interface LongPollQueue {
  /** Adds an encoded frame; false when the queue passed its byte budget (the session must end). */
  push(frame: string): boolean;
  /**
   * The next answer for a poll that acknowledged batch `ack`: the unacknowledged batch again, the waiting frames as a new
   * batch, or, with nothing waiting, the first frames to come within `waitMs` (an empty answer after it, or when a
   * newer poll replaces this one, or `signal` aborts).
   */
  take(ack: number | undefined, waitMs: number, signal?: AbortSignal): Promise<LongPollBatch>;
  /** Ends every waiting poll with an empty answer. */
  end(): void;
}

/** One answer of a long poll. */
interface LongPollBatch {
  /** The batch number (0 for an empty answer). */
  readonly batch: number;
  /** Frames as JSON texts. */
  readonly frames: readonly string[];
}

const EMPTY: LongPollBatch = Object.freeze({ batch: 0, frames: [] });

/** A long-polling session's queue: see {@link LongPollQueue}. */
export function createLongPollQueue(maxQueuedBytes: number): LongPollQueue {
  let queue: string[] = [];
  let bytes = 0;
  let batch = 0;
  let unacked: LongPollBatch | null = null;
  let waiting: ((answer: LongPollBatch) => void) | null = null;

  function next(): LongPollBatch {
    batch += 1;
    unacked = Object.freeze({ batch, frames: queue });
    queue = [];
    bytes = 0;
    return unacked;
  }

  return {
    push(frame) {
      queue.push(frame);
      bytes += frame.length;
      if (bytes > maxQueuedBytes) return false;
      if (waiting) {
        // Frames of one tick (a replay, a burst) go out in one answer.
        const answer = waiting;
        waiting = null;
        queueMicrotask(() => answer(queue.length > 0 ? next() : EMPTY));
      }
      return true;
    },
    async take(ack, waitMs, signal) {
      // A newer poll: the older one is answered empty (its client has moved on).
      waiting?.(EMPTY);
      waiting = null;
      // Without `ack` (a client that predates batches) every answer counts as received.
      if (unacked && ack !== undefined && ack < unacked.batch) return unacked;
      unacked = null;
      if (queue.length > 0) return next();
      return new Promise<LongPollBatch>((resolve) => {
        const timer = setTimeout(() => finish(EMPTY), waitMs);
        const onAbort = () => finish(EMPTY);
        signal?.addEventListener('abort', onAbort, { once: true });
        function finish(answer: LongPollBatch) {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (waiting === finish) waiting = null;
          resolve(answer);
        }
        waiting = finish;
      });
    },
    end() {
      waiting?.(EMPTY);
      waiting = null;
    },
  };
}
