export { createStore } from './store.js';
export type { Store, WritableStore, StoreHooks } from './store.js';
export { RealtimeError, isRealtimeError } from './errors.js';
export type { RealtimeErrorCode, RealtimeErrorIssue, RealtimeErrorOptions } from './errors.js';
export { CONNECTION_STATUSES, INITIAL_CONNECTION_STATE } from './connection/status.js';
export type { ConnectionState, ConnectionStatus } from './connection/status.js';
export { backoff, DEFAULT_BACKOFF } from './connection/backoff.js';
export type { BackoffOptions } from './connection/backoff.js';
export { browserNetwork } from './env/network.js';
export type { NetworkEvent, NetworkSource } from './env/network.js';
export { createSSEConnection, DEFAULT_SSE_HEARTBEAT_TIMEOUT_MS } from './sse/sse-connection.js';
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
export { createWebSocketConnection, DEFAULT_HEARTBEAT, DEFAULT_MAX_QUEUED } from './websocket/websocket-connection.js';
export { CLOSE_CODES } from './websocket/types.js';
export type {
  HeartbeatOptions,
  WebSocketCloseInfo,
  WebSocketConnection,
  WebSocketConstructorLike,
  WebSocketData,
  WebSocketHandler,
  WebSocketLike,
  WebSocketOptions,
} from './websocket/types.js';
export { ENCODING_PARAMETER, PROTOCOL_VERSION, SESSION_HEADER } from './protocol/frames.js';
export { compactFrames } from './protocol/compact-frames.js';
export { createCompactFrameDecoder } from './protocol/compact-frame-decoder.js';
export { encodeCompactFrame } from './protocol/compact-frame-encoder.js';
export type { CompactTopic } from './protocol/compact-frame-encoder.js';
export { COMPACT_ENCODING, MAX_SESSION_TOPICS } from './protocol/compact-frame-keys.js';
export type { FrameEncoding } from './transports/frame-encoding.js';
export { timeOrderedId } from './lib/time-ordered-id.js';
export type {
  ClientFrame,
  ClientFrameType,
  FrameError,
  MessageAction,
  PresenceMember,
  PresenceStatus,
  ReactionChange,
  ReactionMode,
  ReactionSummary,
  ServerFrame,
  ServerFrameType,
} from './protocol/frames.js';
export { createChannelHub, DEFAULT_LOG_SIZE } from './protocol/hub.js';
export type {
  ChannelHub,
  ChannelHubOptions,
  HubAction,
  HubConnection,
  HubLimits,
  HubPublishResult,
  HubReceipt,
  HubResetOptions,
  HubSession,
  HubSessionInfo,
  MessageActionContext,
  PublishContext,
  ReactionOptions,
  PublishVerdict,
  StoredInfo,
} from './protocol/hub.js';
export { DEFAULT_HUB_LIMITS, RESERVED_EVENT_PREFIX, measureData } from './protocol/hub-checks.js';
export {
  createEpoch,
  createMemoryBroker,
  DEFAULT_MAX_LOG_BYTES,
  DEFAULT_MAX_LOGS,
  DEFAULT_RETENTION_MS,
} from './protocol/memory-broker.js';
export type { MemoryBroker, MemoryBrokerOptions } from './protocol/memory-broker.js';
// For brokers and transports written outside core: listener errors are reported, never swallowed.
export { emitToListeners, reportListenerError } from './lib/report-listener-error.js';
export type {
  BrokerCluster,
  BrokerListener,
  BrokerPublishOptions,
  BrokerSubscription,
  ChannelBroker,
  ChannelHistory,
  ClusterEvent,
  ClusterNotice,
  Contribution,
  ContributionChange,
  ContributionMember,
  HistoryQuery,
  HubMessage,
  MaybePromise,
  MessageDraft,
  MessageState,
  MessageStates,
  PublishOutcome,
} from './protocol/broker.js';
export { DEFAULT_MAX_REACTION_KINDS, DEFAULT_REACTION_USERS } from './protocol/message-states.js';
export { readHistoryQuery, toBrokerListener } from './protocol/broker.js';
export { frameErrorToRealtimeError, isRealtimeErrorCode } from './protocol/frame-error.js';
export { httpStatusOf, httpStatusVerdict } from './protocol/http-status.js';
export type { HttpRefusalCode, HttpRefusalDetails, HttpStatusVerdict } from './protocol/http-status.js';
export { createRealtimeClient, DEFAULT_MAX_OUTBOX } from './channel/client.js';
export type { Transport } from './channel/transport.js';
export type {
  Channel,
  ChannelGap,
  ChannelOccupancy,
  ChannelOptions,
  ChannelMessage,
  ChannelSignal,
  ChannelState,
  EventMap,
  MessageRef,
  OutboxEntry,
  OutboxStorage,
  Presence,
  PublishOptions,
  PublishReceipt,
  RealtimeClient,
  RealtimeClientOptions,
} from './channel/types.js';
export { applyMessage } from './channel/apply-message.js';
export { indexedDBOutbox } from './outbox/indexeddb-outbox.js';
export type { IndexedDBOutboxOptions } from './outbox/indexeddb-outbox.js';
export { memoryOutbox } from './outbox/memory-outbox.js';
export type { MemoryOutbox } from './outbox/memory-outbox.js';
export {
  createTypingIndicator,
  TYPING_EVENT,
  DEFAULT_TYPING_TIMEOUT_MS,
  DEFAULT_TYPING_THROTTLE_MS,
} from './channel/typing.js';
export type { TypingIndicator, TypingOptions } from './channel/typing.js';
export { createReadReceipts, READ_EVENT } from './channel/read-receipts.js';
export {
  createRoomReactions,
  DEFAULT_ROOM_REACTION_SHOW_MS,
  DEFAULT_ROOM_REACTION_THROTTLE_MS,
  ROOM_REACTION_EVENT,
} from './channel/room-reactions.js';
export type { RoomReaction, RoomReactions, RoomReactionsOptions } from './channel/room-reactions.js';
export type { ReadReceiptMap, ReadReceipts, ReadReceiptsOptions } from './channel/read-receipts.js';
export { DEFAULT_PRESENCE_GRACE_MS } from './channel/presence.js';
export { mostPresent } from './protocol/most-present.js';
export { createActivityMonitor, DEFAULT_IDLE_MS } from './env/activity.js';
export type { ActivityOptions, ActivityTarget } from './env/activity.js';
export {
  createPoller,
  DEFAULT_POLL_INTERVAL_MS,
  idlePollState,
  toPollError,
  type PollContext,
  type PollFetcher,
  type PollOutcome,
  type Poller,
  type PollerOptions,
  type PollerSettings,
  type PollState,
  type PollStatus,
} from './polling/poller.js';
// The connection cache framework bindings share connections through (keyed, ref-counted, disposed when unused).
export { createConnectionCache, UNUSED_ENTRY_TTL_MS } from './cache/connection-cache.js';
export type { CacheableConnection, ConnectionCache, ConnectionCacheEntry } from './cache/connection-cache.js';
export { createConnectionView } from './cache/connection-view.js';
export type { ConnectionViewOptions } from './cache/connection-view.js';
export { createSharedSSE, IDLE_SSE_VIEW, sharedSSEKey } from './cache/shared-sse.js';
export type { SharedSSE, SharedSSEOptions, SSEView } from './cache/shared-sse.js';
export { createSharedWebSocket, IDLE_WEBSOCKET_VIEW, sharedWebSocketKey } from './cache/shared-websocket.js';
export type {
  SharedWebSocket,
  SharedWebSocketOptions,
  WebSocketParse,
  WebSocketView,
} from './cache/shared-websocket.js';
export { createSharedPoller } from './cache/shared-poller.js';
export type { SharedPoller } from './cache/shared-poller.js';
export { createClientCache } from './cache/client-cache.js';
export type { ClientCache } from './cache/client-cache.js';
export { identityOf, stableStringify } from './cache/stable-key.js';
export {
  createSharedState,
  defineSharedState,
  isActionRefusal,
  refuseAction,
  SHARED_STATE_EVENT,
  sharedStateFor,
  sharedStateRules,
} from './shared-state/index.js';
export type {
  ActionContext,
  ActionRefusal,
  SharedState,
  SharedStateChannels,
  SharedStateDefinition,
  SharedStateEntry,
  SharedStateOptions,
  SharedStateReducer,
  SharedStateSnapshot,
  SomeSharedState,
} from './shared-state/index.js';
