import { createRealtimeClient, type RealtimeClient, type Transport } from '@realtime-kit/core';

interface ClientEntry {
  readonly client: RealtimeClient;
  users: number;
  releaseTimer: ReturnType<typeof setTimeout> | undefined;
}

// Keyed weakly by the transport: a transport nobody references any more takes its idle client with it.
const entries = new WeakMap<Transport, ClientEntry>();

/**
 * The one client for `transport`, created on first use (during render, so it must not connect yet).
 * Every provider rendering the same transport gets the same client.
 */
export function getSharedClient(transport: Transport): RealtimeClient {
  let entry = entries.get(transport);
  if (!entry) {
    entry = { client: createRealtimeClient({ transport }), users: 0, releaseTimer: undefined };
    entries.set(transport, entry);
  }
  return entry.client;
}

/**
 * Holds `transport`'s client until the returned function is called; it closes one tick after the last holder lets
 * go, so StrictMode's unmount/remount keeps one connection. It connects when the first channel is used, not here.
 */
export function retainSharedClient(transport: Transport): () => void {
  const client = getSharedClient(transport);
  const entry = entries.get(transport) as ClientEntry;
  entry.users += 1;
  if (entry.releaseTimer !== undefined) {
    clearTimeout(entry.releaseTimer);
    entry.releaseTimer = undefined;
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    entry.users -= 1;
    if (entry.users > 0) return;
    entry.releaseTimer = setTimeout(() => {
      entry.releaseTimer = undefined;
      if (entry.users > 0) return;
      if (entries.get(transport) === entry) entries.delete(transport);
      client.close();
    }, 0);
  };
}
