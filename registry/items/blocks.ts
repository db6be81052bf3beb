import type { RegistryItem } from "shadcn/schema"

import { CORE_PACKAGE, local, REACT_PACKAGE } from "./local"

/** Blocks: whole features in parts (`components/`, `hooks/`, `lib/` beside the main file), installed as one. */
export const blockItems: RegistryItem[] = [
  {
    name: "chat-room",
    type: "registry:block",
    title: "Chat room",
    description:
      "A complete chat on one channel, for any transport: virtualized messages that follow the bottom, history on scroll-up, optimistic sends with retry, offline queueing, typing, presence, read receipts, edits, deletions and reactions with rollback, replies with a jump to the original, @mentions, file attachments through your upload function, and a notice when messages may have been missed.",
    dependencies: [REACT_PACKAGE, "lucide-react"],
    registryDependencies: [
      "button",
      "popover",
      "textarea",
      "tooltip",
      local("utils"),
      local("use-locale"),
      local("presence-avatars"),
      local("typing-indicator"),
      local("chat-mention-signal"),
    ],
    // One block in parts, as shadcn's own blocks are: parts under components/, hooks/ and lib/ install into the
    // app's components, hooks and lib folders, and their imports are rewritten to match.
    files: [
      {
        path: "registry/realtime/blocks/chat-room/chat-room.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-list.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-message.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-composer.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-message-actions.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-message-editor.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-reactions.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-gap-banner.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-message-body.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-message-attachments.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-reply-preview.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-mention-list.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/components/chat-room-attachments.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-scroll.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-virtualizer.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-toolbar-visibility.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-messages.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-receipts.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-announcements.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-history-changes.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-row-actions.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-replies.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-send.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-mentions.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-attachments.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/chat-room/lib/chat-room-messages.ts",
        type: "registry:lib",
      },
      {
        path: "registry/realtime/blocks/chat-room/lib/chat-room-row-window.ts",
        type: "registry:lib",
      },
      {
        path: "registry/realtime/blocks/chat-room/lib/chat-room-row-offsets.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "chat"],
    docs: "Render it inside <RealtimeProvider transport={…}> with a sized parent (default height 32rem). Publish `message` events ({ text, author, sentAt }) from your server to post into the room. Edits, deletions and reactions use channel.edit/remove/react (the server lets only authors edit or delete by default); pass history with its version, deleted and reactions fields. Replies, mentions and files travel in the message data (replyTo, mentions, attachments); pass `upload` to allow files.",
  },
  {
    name: "live-metrics",
    type: "registry:block",
    title: "Live metrics",
    description:
      "Metric cards that follow a Server-Sent Events stream or a channel: the value in the reader’s locale, the change with icon, sign and colour, and a streaming SVG area chart of the last N samples with a text summary and a hidden data table.",
    dependencies: [REACT_PACKAGE, "lucide-react", "motion"],
    registryDependencies: [
      "badge",
      "button",
      local("utils"),
      local("use-locale"),
      local("connection-dot"),
    ],
    files: [
      {
        path: "registry/realtime/blocks/live-metrics/live-metrics.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/live-metrics/components/live-metric-card.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/live-metrics/components/live-metrics-sparkline.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/live-metrics/lib/live-metrics-labels.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "dashboard"],
    docs: "Stream `metrics` events ({ at, values: { cpu: 42, … } }) with createEventStream() from @realtime-kit/server; send the last samples on connect so charts start full. The protocol is documented at the top of the file.",
  },
  {
    name: "notification-center",
    type: "registry:block",
    title: "Notification center",
    description:
      "A bell with an unread badge and a keyboard-friendly panel: history plus live notifications from a channel, relative times, mark read / all read, a sonner toast per new one, and desktop notifications with a clear permission flow.",
    dependencies: [REACT_PACKAGE, "lucide-react", "sonner"],
    registryDependencies: [
      "badge",
      "button",
      "popover",
      local("utils"),
      local("use-locale"),
      local("chat-mention-signal"),
    ],
    files: [
      {
        path: "registry/realtime/blocks/notification-center/notification-center.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/notification-center/components/notification-center-list.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/notification-center/components/notification-center-desktop.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/notification-center/hooks/use-desktop-notifications.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/notification-center/hooks/use-notifications.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/notification-center/hooks/use-mention-notifications.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/notification-center/lib/notification-center-items.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "notifications"],
    docs: "Render it inside <RealtimeProvider transport={…}> next to a sonner <Toaster />, and publish `notification` events ({ title, body? }) to the user’s channel from your server.",
  },
  {
    name: "live-form",
    type: "registry:block",
    title: "Live form",
    description:
      "A form checked on the server as you type (debounced, stale requests cancelled, each field announced), submitted with useActionState and useOptimistic: instant feedback, live progress over Server-Sent Events, success or an error with Retry, no double submit. Posts without JavaScript too.",
    dependencies: ["lucide-react"],
    registryDependencies: [
      "button",
      "input",
      "label",
      local("utils"),
      local("stream-progress"),
    ],
    files: [
      {
        path: "registry/realtime/blocks/live-form/live-form.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/live-form/components/live-form-field.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/live-form/components/live-form-footer.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/live-form/hooks/use-field-checks.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/live-form/lib/live-form-state.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "forms"],
    docs: 'Pass a Server Action as `action` (it validates again and returns { status: "invalid" | "working" | "success" | "error", … }) and per-field `validators` that fetch with the given AbortSignal. A `working` state’s `progressUrl` streams the stream-progress protocol. The contract is documented at the top of the file.',
  },
  {
    name: "ai-chat",
    type: "registry:block",
    title: "AI chat",
    description:
      "A conversation with an AI model on the AI SDK’s useChat: answers streaming in with a caret, Stop, Regenerate, Retry after an error, tool calls in one line each, reasoning folded away, and answers that survive a page reload (“Resuming…”), follow in a second tab and stop on the server, through realtimeChatTransport.",
    // The majors realtimeChatTransport is written for (its replaying resume); unpinned, npm may pick older ones
    // whose engines suit an older Node.
    dependencies: [
      REACT_PACKAGE,
      CORE_PACKAGE,
      "ai@^7",
      "@ai-sdk/react@^4",
      "lucide-react",
    ],
    registryDependencies: [
      "button",
      "collapsible",
      "scroll-area",
      "textarea",
      local("utils"),
      local("use-locale"),
      local("use-sentence-announcements"),
    ],
    files: [
      {
        path: "registry/realtime/blocks/ai-chat/ai-chat.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/ai-chat/components/ai-chat-message.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/ai-chat/components/ai-chat-composer.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/ai-chat/components/ai-chat-tool-call.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/ai-chat/components/ai-chat-reasoning.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/ai-chat/hooks/use-ai-chat-state.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/ai-chat/hooks/use-ai-chat-scroll.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/ai-chat/hooks/use-realtime-chat-transport.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/ai-chat/lib/ai-chat-messages.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "ai"],
    docs: "Call useChat from @ai-sdk/react yourself, with useRealtimeChatTransport({ api }) as its transport and resume: true, inside <RealtimeProvider transport={…}>, and pass what it returns: <AiChat chat={chat} />. Your chat route answers POST with respondWithChannelStream, GET with respondWithActiveStream and DELETE with respondToStop from @realtime-kit/server/ai.",
  },
  {
    name: "tic-tac-toe",
    type: "registry:block",
    title: "Tic-tac-toe",
    description:
      "A two-player game on server-authoritative shared state, with spectators: seats with presence avatars, turns, a clock per player decided by the server's time, win and draw, rematch with seats swapped, and a seat freed when its player is gone. Moves show at once (faded until confirmed); an out-of-turn or illegal one is refused by the reducer, rolled back and explained; a reload or reconnect mid-game continues from the server's state.",
    // The game definition (lib/tic-tac-toe-game.ts) imports only @realtime-kit/core, so a server can import it too.
    dependencies: [REACT_PACKAGE, CORE_PACKAGE, "lucide-react"],
    registryDependencies: [
      "badge",
      "button",
      local("utils"),
      local("use-locale"),
      local("presence-avatars"),
    ],
    files: [
      {
        path: "registry/realtime/blocks/tic-tac-toe/tic-tac-toe.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/tic-tac-toe/components/tic-tac-toe-board.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/tic-tac-toe/components/tic-tac-toe-seat.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/blocks/tic-tac-toe/hooks/use-tic-tac-toe.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game.ts",
        type: "registry:lib",
      },
      {
        path: "registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-labels.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "multiplayer"],
    docs: 'Register the game on your server with the file this added, lib/tic-tac-toe-game.ts: createRealtime({ sharedState: { "tictactoe:": ticTacToe } }) (or getRealtime({ sharedState: … }) before anything else calls it). Players must be authenticated (the reducer refuses anonymous users: seats belong to user ids). Then render <TicTacToe channel="tictactoe:7" name={me.name} /> inside <RealtimeProvider transport={…}>. For other clocks, export defineTicTacToe({ clockMs, seatGraceMs }) from that file and use it on both sides.',
  },
]
