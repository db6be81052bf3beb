/** When a memory transport tries to connect next: after a delay, or in the next microtask; one attempt at a time. */
export interface AttemptTimer {
  /** Runs `attempt` after `delayMs` (0: the next microtask), replacing an attempt already scheduled. */
  schedule(delayMs: number): void;
  cancel(): void;
}

export function createAttemptTimer(attempt: () => void): AttemptTimer {
  let cancelAttempt: (() => void) | null = null;

  function run() {
    cancelAttempt = null;
    attempt();
  }

  return {
    schedule(delayMs) {
      cancelAttempt?.();
      if (delayMs > 0) {
        const timer = setTimeout(run, delayMs);
        cancelAttempt = () => clearTimeout(timer);
        return;
      }
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) run();
      });
      cancelAttempt = () => {
        cancelled = true;
      };
    },
    cancel() {
      cancelAttempt?.();
      cancelAttempt = null;
    },
  };
}
