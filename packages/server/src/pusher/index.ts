export { createPusherAuthHandler, DEFAULT_PUSHER_AUTH_MAX_BODY_BYTES } from './auth-handler.js';
export type { PusherAuthenticationResult, PusherAuthHandlerOptions, PusherUser } from './auth-handler.js';
export { pusherPublisher, PUSHER_MAX_EVENT_BYTES } from './publisher.js';
export type { PusherEnvelope, PusherPublisher, PusherPublishOptions } from './publisher.js';
