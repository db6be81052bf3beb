export { createEventStream, DEFAULT_HEARTBEAT_MS, DEFAULT_MAX_QUEUED_BYTES } from './event-stream.js';
export type { EventStream, EventStreamCloseReason, EventStreamInit } from './event-stream.js';
export { encodeEvent, isEncodedEvent } from './encode-event.js';
export type { EncodedEvent, ServerSentEvent } from './encode-event.js';
export { createWebSocketEndpoint, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_PING_INTERVAL_MS } from './ws-endpoint.js';
export type { AuthenticatedUser, WebSocketEndpoint, WebSocketEndpointOptions } from './ws-endpoint.js';
export { createChannelEndpoint, CHANNEL_SESSION_HEADER, DEFAULT_MAX_POST_BYTES } from './channel-stream.js';
export type { ChannelEndpoint, ChannelEndpointOptions } from './channel-stream.js';
