export { RealtimeProvider, useRealtimeConfig } from './realtime-provider.js';
export type { RealtimeConfig, RealtimeProviderProps } from './realtime-provider.js';
export { useSSE } from './use-sse.js';
export type { UseSSEOptions, UseSSEResult } from './use-sse.js';
export { useConnectionState } from './use-connection-state.js';
export type { ConnectionStateView } from './use-connection-state.js';
export type { SSEView } from './lib/shared-sse.js';
export type {
  ConnectionState,
  ConnectionStatus,
  RealtimeError,
  RealtimeErrorCode,
  SSEMessage,
  SSEErrorEvent,
} from '@realtime-kit/core';
