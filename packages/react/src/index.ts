export { RealtimeProvider, useRealtimeConfig } from './realtime-provider.js';
export type { RealtimeConfig, RealtimeProviderProps } from './realtime-provider.js';
export { useRealtimeClient } from './use-realtime-client.js';
export { useSSE } from './use-sse.js';
export type { UseSSEOptions, UseSSEResult } from './use-sse.js';
export { useConnectionState } from './use-connection-state.js';
export type { ConnectionStateView } from './use-connection-state.js';
export { useChannel } from './use-channel.js';
export { useEvent } from './use-event.js';
export type { ChannelGapOptions } from './lib/use-gap-listener.js';
export { useChannelMessages } from './use-channel-messages.js';
export type { UseChannelMessagesOptions } from './use-channel-messages.js';
export { usePublish } from './use-publish.js';
export type { PublishFunction } from './use-publish.js';
export { usePresence, usePresenceCount } from './use-presence.js';
export { useOccupancy } from './use-occupancy.js';
export { useChannelGap } from './use-channel-gap.js';
export type { UseChannelGapResult } from './use-channel-gap.js';
export type { UsePresenceOptions, UsePresenceResult } from './use-presence.js';
export { useTyping } from './use-typing.js';
export type { UseTypingResult } from './use-typing.js';
export { useReadReceipts } from './use-read-receipts.js';
export type { UseReadReceiptsOptions, UseReadReceiptsResult } from './use-read-receipts.js';
export { useOptimisticPublish } from './use-optimistic-publish.js';
export { useMessageActions } from './use-message-actions.js';
export { useRoomReactions } from './use-room-reactions.js';
export type { UseRoomReactionsResult } from './use-room-reactions.js';
export { useSharedState } from './use-shared-state.js';
export type { UseSharedStateResult } from './use-shared-state.js';
export { defineSharedState, refuseAction } from '@realtime-kit/core';
export type { ActionContext, SharedStateDefinition, SharedStateSnapshot } from '@realtime-kit/core';
export type { PendingChange, RefusedChange, UseMessageActionsResult } from './use-message-actions.js';
export type { OptimisticItem, OptimisticSend, OptimisticStatus } from './use-optimistic-publish.js';
export { useWebSocket } from './use-websocket.js';
export type { UseWebSocketOptions, UseWebSocketResult } from './use-websocket.js';
export { usePolling } from './use-polling.js';
export type { UsePollingOptions, UsePollingResult } from './use-polling.js';
export type { PollContext, PollFetcher, PollState, PollStatus } from '@realtime-kit/core';
export { RealtimeError, applyMessage, isRealtimeError } from '@realtime-kit/core';
export type {
  Channel,
  ChannelGap,
  ChannelMessage,
  ChannelOccupancy,
  ChannelOptions,
  ChannelState,
  ConnectionState,
  ConnectionStatus,
  EventMap,
  MessageRef,
  PresenceMember,
  PresenceStatus,
  ChannelSignal,
  ReadReceiptMap,
  TypingOptions,
  PublishOptions,
  PublishReceipt,
  ReactionChange,
  ReactionSummary,
  RealtimeClient,
  RoomReaction,
  RealtimeErrorCode,
  RealtimeErrorIssue,
  SSEMessage,
  SSEErrorEvent,
  SSEView,
  Transport,
  WebSocketParse,
  WebSocketView,
} from '@realtime-kit/core';
