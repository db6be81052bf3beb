import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { createClientCache, type NetworkSource, type RealtimeClient, type Transport } from '@realtime-kit/core';

/** Defaults every realtime-kit hook below a {@link RealtimeProvider} uses. */
export interface RealtimeConfig {
  /** The fetch used by SSE hooks. Pass the test kit's to drive components without a server. */
  fetch?: typeof fetch;
  /** Online/offline/visibility source. Default: the browser's. */
  network?: NetworkSource;
}

interface RealtimeContextValue extends RealtimeConfig {
  client: RealtimeClient | null;
}

const RealtimeContext = createContext<RealtimeContextValue>({ client: null });
/** The clients of every provider given a transport, one per transport. */
const clients = /* @__PURE__ */ createClientCache();

export interface RealtimeProviderProps extends RealtimeConfig {
  /**
   * The channel transport (`websocketTransport(…)`, the test kit's `transport`, …). The provider creates one
   * client for it, which connects when the first channel is used and closes after the provider unmounts.
   * A new transport identity means a new client: create the transport once (module scope or `useState`),
   * not inline on every render.
   */
  transport?: Transport;
  /** A client you created and own: the provider neither connects nor closes it. Wins over `transport`. */
  client?: RealtimeClient;
  children?: ReactNode;
}

/**
 * Shares realtime defaults, and with `transport` or `client` one channel client, with every hook below it.
 * Optional for `useSSE`; required by the channel hooks (`useChannel`, `useEvent`, …).
 *
 * Under StrictMode, and when the provider moves in the tree, the client is kept: it closes one tick after the
 * last provider using the transport unmounts, so a double mount never opens two connections.
 * @example
 * <RealtimeProvider transport={websocketTransport({ url: '/realtime' })}>
 *   <ChatRoom channel="room:42" />
 * </RealtimeProvider>
 * @example
 * const kit = createTestTransport()
 * <RealtimeProvider fetch={kit.fetch} network={kit.network} transport={kit.transport}>…</RealtimeProvider>
 */
export function RealtimeProvider({ fetch, network, transport, client: ownClient, children }: RealtimeProviderProps) {
  const managed = ownClient === undefined && transport !== undefined;
  // Creating a client connects nothing (its first channel in use does), so server rendering gets channels too.
  const client = ownClient ?? (transport !== undefined ? clients.get(transport) : null);

  useEffect(() => {
    if (!managed) return;
    return clients.retain(transport);
  }, [managed, transport]);

  const value = useMemo(() => ({ fetch, network, client }), [fetch, network, client]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

/** The nearest {@link RealtimeProvider}'s config (empty when there is none). */
export function useRealtimeConfig(): RealtimeConfig {
  return useContext(RealtimeContext);
}

/** The nearest provider's client, or null (no provider, or one without `transport`/`client`). */
export function useOptionalRealtimeClient(): RealtimeClient | null {
  return useContext(RealtimeContext).client;
}
