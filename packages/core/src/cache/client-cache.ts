import { createRealtimeClient } from '../channel/client.js';
import type { Transport } from '../channel/transport.js';
import type { RealtimeClient } from '../channel/types.js';
import { createRefCount, type RefCount } from './ref-count.js';

/** One channel client per transport, shared by every provider using it. See {@link createClientCache}. */
export interface ClientCache {
  /**
   * The client for `transport`, created on first use. Creating one connects nothing (its first channel in use
   * does), so this may run during a render, on the server too.
   */
  get(transport: Transport): RealtimeClient;
  /**
   * Holds `transport`'s client until the returned function is called. It closes one tick after the last holder
   * lets go, so StrictMode's unmount/remount keeps one connection.
   */
  retain(transport: Transport): () => void;
}

interface ClientEntry {
  readonly client: RealtimeClient;
  readonly holders: RefCount;
}

const noop = () => {};

/**
 * A cache of channel clients keyed by transport, for framework providers (`RealtimeProvider`). Keyed weakly: a
 * transport nobody references any more takes its client with it, so clients made by renders that never committed
 * (or on the server) need no timer.
 */
export function createClientCache(): ClientCache {
  const entries = new WeakMap<Transport, ClientEntry>();
  function entryOf(transport: Transport): ClientEntry {
    let entry = entries.get(transport);
    if (entry === undefined) {
      const client = createRealtimeClient({ transport });
      const created: ClientEntry = {
        client,
        holders: createRefCount(noop, () => {
          if (entries.get(transport) === created) entries.delete(transport);
          client.close();
        }),
      };
      entries.set(transport, created);
      entry = created;
    }
    return entry;
  }
  return {
    get: (transport) => entryOf(transport).client,
    retain: (transport) => entryOf(transport).holders.hold(),
  };
}
