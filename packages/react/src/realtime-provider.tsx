import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { NetworkSource } from '@realtime-kit/core';

/** Defaults every realtime-kit hook below a {@link RealtimeProvider} uses. */
export interface RealtimeConfig {
  /** The fetch used by SSE hooks. Pass the test kit's to drive components without a server. */
  fetch?: typeof fetch;
  /** Online/offline/visibility source. Default: the browser's. */
  network?: NetworkSource;
}

const RealtimeContext = createContext<RealtimeConfig>({});

export interface RealtimeProviderProps extends RealtimeConfig {
  children?: ReactNode;
}

/**
 * Shares realtime defaults with every hook below it. Optional: hooks work without it.
 * @example
 * const kit = createTestTransport()
 * <RealtimeProvider fetch={kit.fetch} network={kit.network}><StreamProgress url="/job" /></RealtimeProvider>
 */
export function RealtimeProvider({ fetch, network, children }: RealtimeProviderProps) {
  const value = useMemo(() => ({ fetch, network }), [fetch, network]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

/** The nearest {@link RealtimeProvider}'s config (empty when there is none). */
export function useRealtimeConfig(): RealtimeConfig {
  return useContext(RealtimeContext);
}
