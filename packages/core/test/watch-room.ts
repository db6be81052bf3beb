import { afterEach, beforeEach, vi } from 'vitest';
import { createRealtimeClient } from '../src/channel/client.js';
import type { Transport } from '../src/channel/transport.js';
import type { RealtimeError } from '../src/errors.js';

// Test helpers shared by the transports' unit tests (src/transports/*.test.ts).

/** A transport that reports its own errors (`websocketTransport`, `pollingTransport`, …). */
type ReportingTransport = Transport & { onError(listener: (error: RealtimeError) => void): () => void };

/**
 * A channel client over `transport`, subscribed to the messages of channel `room`: what it received (the data, in
 * order), what the transport reported, and the client's status.
 */
export function watchRoom(transport: ReportingTransport) {
  const errors: RealtimeError[] = [];
  transport.onError((error) => errors.push(error));
  const client = createRealtimeClient({ transport });
  const received: unknown[] = [];
  client.channel('room').subscribe('message', (message) => received.push(message.data));
  return { client, errors, received, status: () => client.getSnapshot().status };
}

/** Every test of the calling file runs on fake timers. */
export function useFakeTimersInEachTest(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
