import type { SSETestTarget } from '../create-sse-test-server.js';
import { abortReason, pathOf } from './request-url.js';

interface OpenStream {
  readonly path: string;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  detach(): void;
}

/** The test server's open event streams: answered and neither ended, failed, cancelled nor aborted. */
export interface OpenStreams {
  readonly size: number;
  /** A 200 `text/event-stream` response whose body stays open until ended, failed, cancelled or aborted. */
  open(path: string, signal: AbortSignal | null): Response;
  /** Writes text to the open streams `target` names. */
  write(text: string, target: SSETestTarget | undefined): void;
  /** Ends the streams cleanly, as a server closing the response. */
  end(target: SSETestTarget | undefined): void;
  /** Errors the streams with `error`, as a network cut. */
  fail(error: unknown, target: SSETestTarget | undefined): void;
  /** Resolves once exactly `count` streams are open; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
}

export function createOpenStreams(): OpenStreams {
  const streams = new Set<OpenStream>();
  const countWatchers = new Set<() => void>();
  const encoder = new TextEncoder();

  function changed() {
    for (const watcher of [...countWatchers]) watcher();
  }

  function remove(stream: OpenStream): boolean {
    if (!streams.delete(stream)) return false;
    stream.detach();
    changed();
    return true;
  }

  function targets(target: SSETestTarget | undefined): OpenStream[] {
    if (target?.url === undefined) return [...streams];
    const path = pathOf(target.url);
    return [...streams].filter((stream) => stream.path === path);
  }

  function open(path: string, signal: AbortSignal | null): Response {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        remove(stream);
      },
    });
    const stream: OpenStream = { path, controller, detach: () => {} };
    if (signal !== null) {
      const onAbort = () => {
        if (remove(stream)) settleQuietly(() => controller.error(abortReason(signal)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.detach = () => signal.removeEventListener('abort', onAbort);
    }
    streams.add(stream);
    changed();
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' },
    });
  }

  function waitFor(count: number, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (streams.size === count) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        countWatchers.delete(watch);
      };
      const watch = () => {
        if (streams.size !== count) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`waitForConnections(${count}): ${streams.size} streams open after ${timeoutMs} ms.`));
      }, timeoutMs);
      countWatchers.add(watch);
    });
  }

  return {
    get size() {
      return streams.size;
    },
    open,
    write(text, target) {
      const bytes = encoder.encode(text);
      for (const stream of targets(target)) {
        try {
          stream.controller.enqueue(bytes);
        } catch {
          // The consumer cancelled between our bookkeeping and this write: it is gone.
          remove(stream);
        }
      }
    },
    end(target) {
      for (const stream of targets(target)) {
        remove(stream);
        settleQuietly(() => stream.controller.close());
      }
    },
    fail(error, target) {
      for (const stream of targets(target)) {
        remove(stream);
        settleQuietly(() => stream.controller.error(error));
      }
    },
    waitFor,
  };
}

function settleQuietly(action: () => void) {
  try {
    action();
  } catch {
    // The stream was already closed or errored by its consumer: nothing left to do.
  }
}
