import type { ChatStreamEnd } from '@realtime-kit/core/ai';
import type { UIMessageChunk } from 'ai';
import type { Realtime } from '../realtime.js';

/** Tries per publish before a response is given up (a broker that stays down). */
const PUBLISH_ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

/** Writes one response's chunks to its channel, in order, batched. See {@link createChunkPublisher}. */
export interface ChunkPublisher {
  /** Queues a chunk; throws the publish failure once one publish failed for good. */
  push(chunk: UIMessageChunk): void;
  /** Queues a `heartbeat` unless something was published within `idleMs`. */
  heartbeat(idleMs: number): void;
  /**
   * Publishes the `end` after everything queued: `end` itself, or an error when a chunk could not be stored (a
   * client must never take a holed text for the whole). Resolves with the end published; rejects when it could not be.
   */
  finish(end: ChatStreamEnd): Promise<ChatStreamEnd>;
  /** The publish failure that ended the stream, if one did. */
  readonly failure: { readonly error: unknown } | undefined;
}

/**
 * One publish in flight at a time; chunks that arrive meanwhile go out together in the next one. A fast model
 * therefore costs one channel message per publish round trip rather than per token, and a slow one still sees each
 * token at once. Every publish has a `cid` of the stream and its number, so a retry is stored once.
 */
export function createChunkPublisher(realtime: Realtime, channel: string, streamId: string): ChunkPublisher {
  let pending: UIMessageChunk[] = [];
  let scheduled = false;
  let tail: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  let published = 0;
  let lastPublishAt = Date.now();

  async function publish(event: string, data: unknown, cid: string) {
    lastPublishAt = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await realtime.publish(channel, event, data, { cid });
        return;
      } catch (error) {
        if (attempt >= PUBLISH_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
    }
  }

  function enqueue(task: () => Promise<void>) {
    tail = tail.then(async () => {
      if (failure) return;
      try {
        await task();
      } catch (error) {
        failure = { error };
      }
    });
  }

  function sendPending() {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return Promise.resolve();
    published += 1;
    return publish('chunks', batch, `${streamId}:${published}`);
  }

  return {
    push(chunk) {
      if (failure) throw failure.error;
      pending.push(chunk);
      if (scheduled) return;
      scheduled = true;
      enqueue(sendPending);
    },
    heartbeat(idleMs) {
      if (scheduled || Date.now() - lastPublishAt < idleMs) return;
      published += 1;
      const cid = `${streamId}:${published}`;
      enqueue(() => publish('heartbeat', null, cid));
    },
    async finish(end) {
      await tail;
      const final: ChatStreamEnd = failure
        ? { status: 'error', error: 'Part of the response could not be stored: ask again.' }
        : end;
      await publish('end', final, `${streamId}:end`);
      return final;
    },
    get failure() {
      return failure;
    },
  };
}
