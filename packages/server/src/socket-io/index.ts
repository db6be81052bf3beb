export { DEFAULT_CONNECTION_STATE_RECOVERY, createSocketServer } from './socket-server.js';
export type { SocketServerOptions, SocketServer } from './socket-server.js';
export type {
  SocketRefusal,
  SocketAuthRefusal,
  SocketAuthResult,
  SocketHandshake,
  SocketAckResult,
  SocketJoinResult,
  SocketPublishResult,
  SocketPublishInput,
  SocketPresenceInput,
  SocketTypingEvent,
  SocketPresenceEvent,
  SocketGapEvent,
  SocketErrorEvent,
  SocketServerToClientEvents,
  SocketClientToServerEvents,
  SocketServerData,
  RealtimeSocketIOServer,
  SocketServerRedis,
} from './socket-events.js';
