import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { browserNetwork, INITIAL_CONNECTION_STATE, type ConnectionState, type Store } from '@realtime-kit/core';
import { useRealtimeConfig } from './realtime-provider.js';

export interface ConnectionStateView extends ConnectionState {
  /** Whether the browser reports a network connection. */
  readonly online: boolean;
}

const noopSubscribe = () => () => {};
const getInitial = () => INITIAL_CONNECTION_STATE;
const getOnlineOnServer = () => true;

/**
 * The browser's online/offline state plus a connection's status, attempt count and retry countdown.
 * Without a connection, `status` is `'idle'` online and `'offline'` offline.
 *
 * @example
 * const sse = useSSE('/api/events')
 * const { status, attempt, retryInMs, online } = useConnectionState(sse.connection)
 */
export function useConnectionState(connection?: Store<ConnectionState> | null): ConnectionStateView {
  const network = useRealtimeConfig().network ?? browserNetwork;
  const subscribeNetwork = useCallback((listener: () => void) => network.subscribe(() => listener()), [network]);
  const online = useSyncExternalStore(subscribeNetwork, () => network.isOnline(), getOnlineOnServer);
  const state = useSyncExternalStore(
    connection ? connection.subscribe : noopSubscribe,
    connection ? connection.getSnapshot : getInitial,
    getInitial,
  );
  return useMemo(() => {
    if (connection) return { ...state, online };
    return { ...state, status: online ? 'idle' : 'offline', online };
  }, [connection, state, online]);
}
