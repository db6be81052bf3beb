export {
  AI_CHANNEL_PREFIX,
  chatChannelName,
  chatControlChannelName,
  chatStreamChannelName,
  checkChatStreamId,
} from './chat-stream-protocol.js';
export type {
  ChatChannelEvents,
  ChatStreamEnd,
  ChatStreamEvents,
  ChatStreamHandle,
  ChatStreamStatus,
  CompactedChatMessage,
} from './chat-stream-protocol.js';
export { DEFAULT_STALE_AFTER_MS, realtimeChatTransport } from './realtime-chat-transport.js';
export type { RealtimeChatTransportOptions } from './realtime-chat-transport.js';
