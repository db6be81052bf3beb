import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { browserNetwork, INITIAL_CONNECTION_STATE, type ConnectionState, type Store } from '@realtime-kit/core';
import { useStore } from './lib/use-store.js';
import { useOptionalRealtimeClient, useRealtimeConfig } from './realtime-provider.js';

export interface ConnectionStateView extends ConnectionState {
  /** Whether the browser reports a network connection. */
  readonly online: boolean;
}

const getOnlineOnServer = () => true;

/**
 * The browser's online/offline state plus a connection's status, attempt count and retry countdown.
 * With no argument it follows the nearest {@link RealtimeProvider}'s channel client, when it has one.
 * Without a connection (or with `null`), `status` is `'idle'` online and `'offline'` offline.
 *
 * @example
 * const { status, online } = useConnectionState() // the provider's client
 * @example
 * const sse = useSSE('/api/events')
 * const { status, attempt, retryInMs, online } = useConnectionState(sse.connection)
 */
export function useConnectionState(connection?: Store<ConnectionState> | null): ConnectionStateView {
  const client = useOptionalRealtimeClient();
  return useConnectionStateOf(connection === undefined ? client : connection);
}

function useConnectionStateOf(connection: Store<ConnectionState> | null): ConnectionStateView {
  const network = useRealtimeConfig().network ?? browserNetwork;
  const subscribeNetwork = useCallback((listener: () => void) => network.subscribe(() => listener()), [network]);
  const online = useSyncExternalStore(subscribeNetwork, () => network.isOnline(), getOnlineOnServer);
  const state = useStore(connection, INITIAL_CONNECTION_STATE);
  return useMemo(() => {
    if (connection) return { ...state, online };
    return { ...state, status: online ? 'idle' : 'offline', online };
  }, [connection, state, online]);
}
