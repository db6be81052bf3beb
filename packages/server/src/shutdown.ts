import type { Server } from 'node:http';

/** Anything with a graceful `close()`: endpoints, `createRealtime`'s result, a Socket.io server. */
export interface Closable {
  close(): Promise<void> | void;
}

/** Options for {@link gracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** The HTTP server: it stops accepting connections first. */
  server?: Server;
  /**
   * Closed in order after the server stops accepting: endpoints first (they tell clients to reconnect elsewhere —
   * WebSocket 1012, SSE `retry:` then end — after letting frames in flight be stored and acked), then the
   * realtime state (its Redis connections).
   */
  close: readonly Closable[];
  /** Signals that start the shutdown. Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
  /** Longest the whole shutdown may take before the process exits anyway. Default 10 000. */
  timeoutMs?: number;
  /** Called once everything is closed (or the timeout hit), with the exit code. Default `process.exit`. */
  exit?: (code: number) => void;
  /** Failures while closing. Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** A running shutdown hook: see {@link gracefulShutdown}. */
export interface ShutdownHandle {
  /** Runs the shutdown now (as a signal would). Safe to call twice: both calls get the same promise. */
  shutdown(): Promise<void>;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Drains the server on SIGTERM (a deploy, a scale-down): stop accepting, tell clients to reconnect elsewhere,
 * let in-flight publishes finish — nothing is acknowledged and then lost — and exit.
 *
 * ```ts
 * const realtime = await createRealtime()
 * const ws = createWebSocketEndpoint({ server, path: '/realtime', realtime })
 * gracefulShutdown({ server, close: [ws, realtime] })
 * ```
 */
export function gracefulShutdown(options: GracefulShutdownOptions): ShutdownHandle {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onError = options.onError ?? ((error: unknown) => console.error('[realtime-kit] shutdown:', error));
  let running: Promise<void> | undefined;

  const shutdown = () => {
    running ??= (async () => {
      let code = 0;
      const timer = setTimeout(() => {
        onError(new Error(`Shutdown took longer than ${timeoutMs} ms; exiting anyway.`));
        exit(1);
      }, timeoutMs);
      timer.unref();
      // Stop accepting; open connections are ended by the endpoints below.
      const serverClosed = options.server
        ? new Promise<void>((resolve) => options.server?.close(() => resolve()))
        : Promise.resolve();
      for (const closable of options.close) {
        try {
          await closable.close();
        } catch (error) {
          code = 1;
          onError(error);
        }
      }
      options.server?.closeIdleConnections?.();
      await Promise.race([serverClosed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      clearTimeout(timer);
      exit(code);
    })();
    return running;
  };

  const onSignal = () => void shutdown();
  for (const signal of signals) process.once(signal, onSignal);
  return {
    shutdown,
    dispose() {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
