/** Pusher's prefix for events clients send themselves (only allowed on `private-` and `presence-` channels). */
export const PUSHER_CLIENT_EVENT_PREFIX = 'client-';
/** The client event that carries presence data and status (Pusher fixes `user_info` when the channel is authorized). */
export const PUSHER_PRESENCE_EVENT = 'client-rk-presence';
/** The client event that carries signals (typing, read receipts, cursors). */
export const PUSHER_SIGNAL_EVENT = 'client-rk-signal';
/** Pusher refuses messages larger than this (10 KB), so larger publishes are refused before they are sent. */
export const PUSHER_MAX_MESSAGE_BYTES = 10_240;
/**
 * How long a presence member Pusher reports but who has not said (through {@link PUSHER_PRESENCE_EVENT}) whether it
 * entered stays hidden. realtime-kit clients say so within a round trip; after this, a member that never does (a
 * plain pusher-js client) is listed with its `user_info` as data.
 */
export const PUSHER_UNANNOUNCED_MEMBER_MS = 1000;
