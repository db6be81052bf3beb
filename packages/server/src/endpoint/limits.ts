/** Default largest accepted client message (a WebSocket message, a Socket.IO frame or publish): 64 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
