export {
  createEventStream,
  createNodeEventStream,
  DEFAULT_COALESCE_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_QUEUED_BYTES,
} from './event-stream.js';
export type {
  EventStream,
  EventStreamBase,
  EventStreamCloseReason,
  EventStreamInit,
  NodeEventStream,
} from './event-stream.js';
export { encodeEvent, isEncodedEvent } from './encode-event.js';
export type { EncodedEvent, ServerSentEvent } from './encode-event.js';
export {
  createWebSocketEndpoint,
  DEFAULT_COMPRESSION_LEVEL,
  DEFAULT_COMPRESSION_THRESHOLD,
  DEFAULT_FANOUT_BUDGET_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_WS_COALESCE_MS,
} from './ws-endpoint.js';
export type { WebSocketCompressionOptions, WebSocketEndpoint, WebSocketEndpointOptions } from './ws-endpoint.js';
export type { AuthenticatedUser } from './auth/user.js';
export {
  createChannelEndpoint,
  CHANNEL_SESSION_HEADER,
  DEFAULT_MAX_POLL_SESSIONS,
  DEFAULT_MAX_POLL_SESSIONS_PER_USER,
  DEFAULT_MAX_POST_BYTES,
  DEFAULT_MAX_POST_FRAMES,
  DEFAULT_POLL_MAX_QUEUED_BYTES,
  DEFAULT_POLL_SESSION_TIMEOUT_MS,
  DEFAULT_POLL_WAIT_MS,
  POLL_BATCH_HEADER,
} from './channel-endpoint/channel-endpoint.js';
export type { ChannelEndpoint, ChannelEndpointOptions } from './channel-endpoint/channel-endpoint.js';
export {
  createRealtime,
  getRealtime,
  publish,
  DEFAULT_CONNECTION_LIMIT,
  DEFAULT_SUBSCRIBE_CONNECTION_LIMIT,
  DEFAULT_SUBSCRIBE_USER_LIMIT,
  DEFAULT_USER_LIMIT,
  DEFAULT_ACTION_LIMIT,
  PROTECTED_CHANNEL_PREFIXES,
} from './realtime.js';
export type {
  AuthorizeMessageContext,
  BeforePublishContext,
  Realtime,
  RealtimeOptions,
  RealtimeUser,
} from './realtime.js';
export { readAuthResult } from './auth/result.js';
export type { AuthenticationResult, AuthRefusalCode, AuthVerdict } from './auth/result.js';
export type { ServerEvent, ServerEventListener, ServerTransport } from './events.js';
export { gracefulShutdown } from './shutdown.js';
export type { Closable, GracefulShutdownOptions, ShutdownHandle } from './shutdown.js';
export { createMemoryStore } from './key-value/memory-store.js';
export type { MemoryStore, MemoryStoreOptions } from './key-value/memory-store.js';
export type { BucketResult, BucketSpec, KeyValueStore } from './key-value/key-value-store.js';
export { bearerToken, createJwtVerifier } from './auth/jwt.js';
export type {
  AuthError,
  AuthFailure,
  AuthOutcome,
  HeaderCarrier,
  JwtVerifier,
  JwtVerifierOptions,
  VerifiedUser,
} from './auth/jwt.js';
export { createStreamTokens } from './auth/stream-tokens.js';
export type { StreamTokenOutcome, StreamTokens, StreamTokensOptions, StreamTokenUser } from './auth/stream-tokens.js';
export { createRateLimiter, retryAfterSeconds, tooManyRequests } from './limits/rate-limit.js';
export type {
  LimitRefusal,
  LimitScope,
  LimitSubject,
  LimitVerdict,
  RateLimiter,
  RateLimiterOptions,
} from './limits/rate-limit.js';
export { createPayloadValidator } from './validation/payload-schema.js';
export type {
  PayloadIssue,
  PayloadRefusal,
  PayloadSchemas,
  PayloadValidation,
  PayloadValidator,
} from './validation/payload-schema.js';
export { createOriginPolicy } from './http/origin.js';
export type { AllowedOrigins, OriginPolicy, OriginPolicyOptions } from './http/origin.js';
export { createNextServer } from './next-server.js';
export type { NextAppLike, NextServer, NextServerOptions } from './next-server.js';
export {
  createSSEEndpoint,
  DEFAULT_MAX_SSE_BODY_BYTES,
  DEFAULT_MAX_SSE_CHANNELS,
  DEFAULT_SSE_RETRY_MS,
} from './sse-endpoint/sse-endpoint.js';
export type { SSEEndpoint, SSEEndpointCloseOptions, SSEEndpointOptions } from './sse-endpoint/sse-endpoint.js';
export { encodeFrame } from './encode-frame.js';
export { createHistoryPollEndpoint, createPollHandler, DEFAULT_POLL_MAX_MESSAGES } from './history-poll-endpoint.js';
export type {
  HistoryPollAnswer,
  HistoryPollEndpoint,
  HistoryPollEndpointOptions,
  PollAnswer,
  PolledMessage,
  PollHandler,
  PollHandlerOptions,
} from './history-poll-endpoint.js';
export {
  createChannelKeyHandler,
  deriveChannelKey,
  sealForChannel,
  DEFAULT_CHANNEL_KEY_MAX_BODY_BYTES,
} from './encryption/channel-keys.js';
export type { ChannelKeyHandlerOptions } from './encryption/channel-keys.js';
export { refuseUnsealed } from './validation/encrypted-payload.js';
