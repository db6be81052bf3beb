export * from './pusher-constants.js';
export { pusherTransport, type PusherTransport, type PusherTransportOptions } from './pusher-transport.js';
