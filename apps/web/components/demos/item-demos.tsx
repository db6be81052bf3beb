import { Suspense } from 'react';

import { AiChatDemo } from '@/components/demos/ai-chat-demo';
import { ChatRoomDemo } from '@/components/demos/chat-room-demo';
import { CollaborativeEditorDemo } from '@/components/demos/collaborative-editor-demo';
import { CollaborativeRichTextDemo } from '@/components/demos/collaborative-rich-text-demo';
import { ConnectionBannerDemo } from '@/components/demos/connection-banner-demo';
import { ConnectionDotDemo } from '@/components/demos/connection-dot-demo';
import { LiveCounterDemo, LiveCounterFallback } from '@/components/demos/live-counter-demo';
import { LiveCursorsDemo } from '@/components/demos/live-cursors-demo';
import { LiveFormDemo } from '@/components/demos/live-form-demo';
import { LiveMetricsDemo } from '@/components/demos/live-metrics-demo';
import { NotificationCenterDemo } from '@/components/demos/notification-center-demo';
import { PresenceAvatarsDemo } from '@/components/demos/presence-avatars-demo';
import { RealtimeDevtoolsDemo } from '@/components/demos/realtime-devtools-demo';
import { ReconnectToastDemo } from '@/components/demos/reconnect-toast-demo';
import { StreamProgressDemo } from '@/components/demos/stream-progress-demo';
import { StreamingTextDemo } from '@/components/demos/streaming-text-demo';
import { TicTacToeDemo } from '@/components/demos/tic-tac-toe-demo';
import { TypingIndicatorDemo } from '@/components/demos/typing-indicator-demo';

/** The live demo on each item's docs page (its Preview tab); hooks and helpers have none. */
export const itemDemos: Record<string, React.ReactNode> = {
  'connection-dot': <ConnectionDotDemo />,
  'live-counter': (
    <Suspense fallback={<LiveCounterFallback />}>
      <LiveCounterDemo />
    </Suspense>
  ),
  'stream-progress': <StreamProgressDemo />,
  'live-metrics': <LiveMetricsDemo />,
  'notification-center': <NotificationCenterDemo />,
  'presence-avatars': <PresenceAvatarsDemo />,
  'typing-indicator': <TypingIndicatorDemo />,
  'chat-room': <ChatRoomDemo />,
  'connection-banner': <ConnectionBannerDemo />,
  'reconnect-toast': <ReconnectToastDemo />,
  'streaming-text': <StreamingTextDemo />,
  'live-cursors': <LiveCursorsDemo />,
  'collaborative-editor': <CollaborativeEditorDemo />,
  'collaborative-rich-text': <CollaborativeRichTextDemo />,
  'live-form': <LiveFormDemo />,
  'realtime-devtools': <RealtimeDevtoolsDemo />,
  'ai-chat': <AiChatDemo />,
  'tic-tac-toe': <TicTacToeDemo />,
};
