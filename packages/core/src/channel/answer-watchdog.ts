import type { OutboxQueue } from '../outbox/outbox-queue.js';

/** What the watchdog needs from the publisher. */
export interface AnswerWatchdogHost {
  /** The outbox (a function: the publisher creates it after the watchdog). */
  outbox(): OutboxQueue;
  readonly ackTimeoutMs: number;
  now(): number;
  isOpen(): boolean;
  isClosed(): boolean;
  /** Ends the session and opens a new one. */
  reconnect(): void;
}

export interface AnswerWatchdog {
  /** A publish was sent: make sure its answer is watched for. */
  watch(): void;
  stop(): void;
}

/**
 * The unanswered-publish watchdog: a publish sent on the open session gets its `ack` or `nack` within
 * `ackTimeoutMs`, or the session is presumed broken somewhere between here and the message store (a hop that lost
 * the answer, a server step that never returned): the client reconnects and sends it again (deduplicated by `cid`).
 * One timer at a time, armed for the oldest publish still waiting.
 */
export function createAnswerWatchdog(host: AnswerWatchdogHost): AnswerWatchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;

  const waitingSince = (queued: ReturnType<OutboxQueue['inOrder']>[number]) =>
    queued.sent && queued.sentAt !== undefined ? queued.sentAt : undefined;

  function watch() {
    if (timer !== undefined || !Number.isFinite(host.ackTimeoutMs)) return;
    let oldest: number | undefined;
    for (const queued of host.outbox().inOrder()) {
      const since = waitingSince(queued);
      if (since !== undefined && (oldest === undefined || since < oldest)) oldest = since;
    }
    if (oldest === undefined) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        if (host.isClosed()) return;
        const now = host.now();
        const late = host
          .outbox()
          .inOrder()
          .some((queued) => {
            const since = waitingSince(queued);
            return since !== undefined && now - since >= host.ackTimeoutMs;
          });
        if (late && host.isOpen()) host.reconnect();
        else watch();
      },
      Math.max(0, oldest + host.ackTimeoutMs - host.now()),
    );
  }

  return {
    watch,
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
