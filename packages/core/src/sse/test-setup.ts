import { vi } from 'vitest';
import type { ConnectionState } from '../connection/status.js';
import { createTestTransport } from '../testing/index.js';
import { createSSEConnection } from './sse-connection.js';
import type { SSEErrorEvent, SSEMessage, SSEOptions } from './types.js';

// Test helpers shared by the SSE connection's tests (not shipped: no package entry imports this file).

/** Backoff with a fixed random of 0.5: delays are exactly half the ceiling (500, 1000, 2000, 4000, 4000…). */
export const BACKOFF = { minMs: 1000, maxMs: 8000, factor: 2, random: () => 0.5 };

export const flush = () => vi.advanceTimersByTimeAsync(0);

export function setup<T = unknown>(options: SSEOptions<T> = {}, url = '/events') {
  const kit = createTestTransport();
  const fetchSpy = vi.fn(kit.fetch);
  const connection = createSSEConnection<T>(url, {
    fetch: fetchSpy,
    network: kit.network,
    backoff: BACKOFF,
    ...options,
  });
  const states: ConnectionState[] = [connection.getSnapshot()];
  connection.subscribe(() => states.push(connection.getSnapshot()));
  const messages: SSEMessage<T>[] = [];
  connection.on('*', (message) => messages.push(message));
  const errors: SSEErrorEvent[] = [];
  connection.on('error', (event) => errors.push(event));
  const statuses = () => states.map((state) => state.status);
  const state = () => connection.getSnapshot();
  return {
    kit,
    server: kit.server,
    network: kit.network,
    fetchSpy,
    connection,
    states,
    statuses,
    state,
    messages,
    errors,
  };
}
