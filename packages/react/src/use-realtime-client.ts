import type { RealtimeClient } from '@realtime-kit/core';
import { useOptionalRealtimeClient } from './realtime-provider.js';

/**
 * The channel client of the nearest {@link RealtimeProvider} (given `transport` or `client`).
 * Throws when there is none: channel hooks cannot work without one.
 * @example
 * const client = useRealtimeClient()
 * useEffect(() => client.channel('audit').subscribe('*', log), [client])
 */
export function useRealtimeClient(): RealtimeClient {
  const client = useOptionalRealtimeClient();
  if (client === null) {
    throw new Error(
      'useRealtimeClient: no realtime client here. Wrap the tree in <RealtimeProvider transport={…}> (or client={…}) before using channel hooks.',
    );
  }
  return client;
}
