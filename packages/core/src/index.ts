export { createStore } from './store.js';
export type { Store, WritableStore, StoreHooks } from './store.js';
export { RealtimeError, isRealtimeError } from './errors.js';
export type { RealtimeErrorCode, RealtimeErrorOptions } from './errors.js';
export { CONNECTION_STATUSES, INITIAL_CONNECTION_STATE } from './connection/status.js';
export type { ConnectionState, ConnectionStatus } from './connection/status.js';
export { backoff, DEFAULT_BACKOFF } from './connection/backoff.js';
export type { BackoffOptions } from './connection/backoff.js';
export { browserNetwork } from './env/network.js';
export type { NetworkEvent, NetworkSource } from './env/network.js';
export { createSSEConnection } from './sse/sse-connection.js';
export type {
  HeadersInput,
  SSEConnection,
  SSEErrorEvent,
  SSEListener,
  SSEMessage,
  SSEOptions,
  SSEParse,
} from './sse/types.js';
export { createMessageBuffer, DEFAULT_MAX_MESSAGES } from './buffer/message-buffer.js';
export type { MessageBuffer, MessageBufferOptions, MessageBufferSnapshot } from './buffer/message-buffer.js';
export { scheduleEvery, scheduleFrame, scheduleSync, toSchedule } from './buffer/schedule.js';
export type { Schedule, Throttle } from './buffer/schedule.js';
