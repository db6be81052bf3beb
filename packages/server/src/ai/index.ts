export { respondToStop, respondWithActiveStream, respondWithChannelStream } from './chat-route.js';
export type { RespondWithChannelStreamOptions } from './chat-route.js';
export { activeChatStream, DEFAULT_STALE_STREAM_MS, stopStream } from './chat-streams.js';
export type { ActiveChatStreamOptions } from './chat-streams.js';
export { DEFAULT_STREAM_HEARTBEAT_MS, streamToChannel } from './stream-to-channel.js';
export type { ChannelStream, StreamToChannelOptions } from './stream-to-channel.js';
export { AI_CHANNEL_PREFIX, chatChannelName, chatStreamChannelName } from '@realtime-kit/core/ai';
export type { ChatStreamEnd, ChatStreamHandle, ChatStreamStatus, CompactedChatMessage } from '@realtime-kit/core/ai';
