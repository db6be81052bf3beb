/**
 * The registry, as typed source. `pnpm registry:build` (scripts/registry-build.mjs) turns it into
 * `registry.json` and `apps/web/public/r/*.json`; `apps/web/test/registry-drift.test.ts` fails when the
 * committed output no longer matches this file.
 *
 * Items point at each other by URL, so consumers can `shadcn add` them from any host: the base URL is a
 * parameter (`REALTIME_KIT_REGISTRY_URL`, default {@link DEFAULT_REGISTRY_URL}).
 */
import type { Registry, RegistryItem } from "shadcn/schema"

/** Where `next dev` / `next start` in apps/web serve the built items. */
export const DEFAULT_REGISTRY_URL = "http://localhost:3000/r"

/** The npm package every item gets its realtime logic from. */
const REACT_PACKAGE = "@realtime-kit/react"
/** Framework-free logic a few items use directly (the devtools inspector, the Yjs binding). */
const CORE_PACKAGE = "@realtime-kit/core"

/** The registry items for the given base URL (no trailing slash), e.g. `http://localhost:3000/r`. */
export function registryItems(
  baseUrl: string = DEFAULT_REGISTRY_URL
): RegistryItem[] {
  const url = (name: string) => `${baseUrl}/${name}.json`
  return [
    {
      name: "utils",
      type: "registry:lib",
      title: "Utils",
      description:
        "The `cn()` class-name helper (clsx + tailwind-merge) every shadcn component uses.",
      dependencies: ["clsx", "tailwind-merge"],
      files: [{ path: "registry/realtime/lib/utils.ts", type: "registry:lib" }],
    },
    {
      name: "use-locale",
      type: "registry:hook",
      title: "useLocale",
      description:
        "The reader's locale for Intl formatting, hydration-safe: a fixed locale on the server, the browser's after.",
      files: [
        {
          path: "registry/realtime/hooks/use-locale.ts",
          type: "registry:hook",
        },
      ],
    },
    {
      name: "use-retry-countdown",
      type: "registry:hook",
      title: "useRetryCountdown",
      description:
        "Seconds left until a connection retries, ticking once a second, from useConnectionState().retryAt.",
      files: [
        {
          path: "registry/realtime/hooks/use-retry-countdown.ts",
          type: "registry:hook",
        },
      ],
    },
    {
      name: "stream-phase",
      type: "registry:lib",
      title: "streamPhase",
      description:
        "Where a finite stream stands (connecting, streaming, reconnecting, offline, stopped, done, error) from its connection and the server’s verdict.",
      dependencies: [REACT_PACKAGE],
      files: [
        { path: "registry/realtime/lib/stream-phase.ts", type: "registry:lib" },
      ],
    },
    {
      name: "status-colors",
      type: "registry:lib",
      title: "statusColors",
      description:
        "One colour per connection state (open, connecting, reconnecting, offline, closed, error) for dots and icons, shared by every realtime item so a state looks the same everywhere.",
      dependencies: [CORE_PACKAGE],
      files: [
        {
          path: "registry/realtime/lib/status-colors.ts",
          type: "registry:lib",
        },
      ],
    },
    {
      name: "connection-dot",
      type: "registry:ui",
      title: "Connection dot",
      description:
        "A status dot and label for a realtime connection: live, connecting, reconnecting with a countdown, offline, failed. Announced politely to screen readers.",
      dependencies: [REACT_PACKAGE, "class-variance-authority"],
      registryDependencies: [
        url("utils"),
        url("use-locale"),
        url("use-retry-countdown"),
        url("status-colors"),
      ],
      files: [
        {
          path: "registry/realtime/ui/connection-dot.tsx",
          type: "registry:ui",
        },
      ],
      categories: ["realtime", "status"],
      docs: "Pass `connection` from `useSSE(url).connection`, or an explicit `status`. Needs @realtime-kit/react.",
    },
    {
      name: "live-counter",
      type: "registry:ui",
      title: "Live counter",
      description:
        "A number that follows a Server-Sent Events stream and springs to each new value, in the reader’s locale, without layout shift.",
      dependencies: [REACT_PACKAGE, "motion"],
      registryDependencies: [url("utils"), url("use-locale")],
      files: [
        { path: "registry/realtime/ui/live-counter.tsx", type: "registry:ui" },
      ],
      categories: ["realtime", "data-display"],
      docs: "Render `initialValue` from the server so the number does not flash from 0. Needs @realtime-kit/react.",
    },
    {
      name: "stream-progress",
      type: "registry:component",
      title: "Stream progress",
      description:
        "A progress bar and step list for a long task that streams `step`, `progress`, `done` and `error` events, with reconnect and retry.",
      dependencies: [REACT_PACKAGE, "class-variance-authority", "lucide-react"],
      registryDependencies: [
        "button",
        url("utils"),
        url("use-locale"),
        url("use-retry-countdown"),
        url("stream-phase"),
      ],
      files: [
        {
          path: "registry/realtime/components/stream-progress.tsx",
          type: "registry:component",
        },
      ],
      categories: ["realtime", "progress"],
      docs: "Stream events with createEventStream() from @realtime-kit/server; the protocol is documented at the top of the file.",
    },
    {
      name: "presence-avatars",
      type: "registry:ui",
      title: "Presence avatars",
      description:
        'An overlapping stack of who is in a channel: initials on a per-user colour, "+N" overflow, idle and away states, "(you)", names on hover and focus, joins and leaves announced politely.',
      dependencies: [REACT_PACKAGE, "class-variance-authority"],
      registryDependencies: [
        "avatar",
        "tooltip",
        url("utils"),
        url("use-locale"),
      ],
      files: [
        {
          path: "registry/realtime/ui/presence-avatars.tsx",
          type: "registry:ui",
        },
      ],
      categories: ["realtime", "presence"],
      docs: "Pass `channel` to watch a room without entering it, or `members` from your own `usePresence(room, { data: { name } })`. Needs a <RealtimeProvider transport={…}>.",
    },
    {
      name: "typing-indicator",
      type: "registry:ui",
      title: "Typing indicator",
      description:
        '"Ada and Grace are typing…" in the reader’s locale (Intl.ListFormat), with animated dots that hold still under reduced motion, announced politely, without layout shift.',
      dependencies: [REACT_PACKAGE],
      registryDependencies: [url("utils"), url("use-locale")],
      files: [
        {
          path: "registry/realtime/ui/typing-indicator.tsx",
          type: "registry:ui",
        },
      ],
      categories: ["realtime", "chat"],
      docs: "Pass `channel` (names come from presence `data.name`), or `typing` ids from `useTyping(room)` with `getName`.",
    },
    {
      name: "chat-room",
      type: "registry:block",
      title: "Chat room",
      description:
        "A complete chat on one channel, for any transport: virtualized messages that follow the bottom, history on scroll-up, optimistic sends with retry, offline queueing, typing, presence and read receipts.",
      dependencies: [REACT_PACKAGE, "@tanstack/react-virtual", "lucide-react"],
      registryDependencies: [
        "button",
        "textarea",
        url("utils"),
        url("use-locale"),
        url("presence-avatars"),
        url("typing-indicator"),
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
          path: "registry/realtime/blocks/chat-room/hooks/use-chat-room-scroll.ts",
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
          path: "registry/realtime/blocks/chat-room/lib/chat-room-messages.ts",
          type: "registry:lib",
        },
      ],
      categories: ["realtime", "chat"],
      docs: "Render it inside <RealtimeProvider transport={…}> with a sized parent (default height 32rem). Publish `message` events ({ text, author, sentAt }) from your server to post into the room.",
    },
    {
      name: "use-connection-feedback",
      type: "registry:hook",
      title: "useConnectionFeedback",
      description:
        'What to tell the user about a connection, and when: problems only after a delay (no flash for a blip), failures at once, then a short "restored" phase.',
      dependencies: [REACT_PACKAGE],
      files: [
        {
          path: "registry/realtime/hooks/use-connection-feedback.ts",
          type: "registry:hook",
        },
      ],
    },
    {
      name: "connection-banner",
      type: "registry:ui",
      title: "Connection banner",
      description:
        'A banner for a connection in trouble: "Connection lost" with a retry countdown and "Retry now", offline, failed with the reason, then "Back online". Debounced, floating (no layout shift), announced politely.',
      dependencies: [
        REACT_PACKAGE,
        "class-variance-authority",
        "lucide-react",
        "motion",
      ],
      registryDependencies: [
        "button",
        url("utils"),
        url("use-locale"),
        url("use-retry-countdown"),
        url("use-connection-feedback"),
        url("status-colors"),
      ],
      files: [
        {
          path: "registry/realtime/ui/connection-banner.tsx",
          type: "registry:ui",
        },
      ],
      categories: ["realtime", "status"],
      docs: "Pass `connection` from `useSSE(url).connection` or a channel client (`useRealtimeClient()`). Needs @realtime-kit/react.",
    },
    {
      name: "reconnect-toast",
      type: "registry:component",
      title: "Reconnect toast",
      description:
        'Connection trouble as one sonner toast updated in place: "Connection lost" with a countdown and "Retry now", offline, failed, then "Reconnected". Toasts raised before the Toaster mounts are kept.',
      dependencies: [REACT_PACKAGE, "sonner", "lucide-react"],
      registryDependencies: [
        url("use-locale"),
        url("use-retry-countdown"),
        url("use-connection-feedback"),
        url("status-colors"),
      ],
      files: [
        {
          path: "registry/realtime/components/reconnect-toast.tsx",
          type: "registry:component",
        },
      ],
      categories: ["realtime", "status"],
      docs: "Render <ReconnectToaster connection={…} /> (its own Toaster), or call useReconnectToasts(connection) with the <Toaster /> your app already has.",
    },
    {
      name: "streaming-text",
      type: "registry:component",
      title: "Streaming text",
      description:
        "AI-style text streamed token by token over Server-Sent Events: a caret while it writes, Stop, resume after a dropped connection without lost or doubled tokens, retry, sentence-by-sentence announcements.",
      dependencies: [REACT_PACKAGE, "lucide-react"],
      registryDependencies: [
        "button",
        url("utils"),
        url("use-locale"),
        url("use-retry-countdown"),
        url("stream-phase"),
      ],
      files: [
        {
          path: "registry/realtime/components/streaming-text.tsx",
          type: "registry:component",
        },
      ],
      categories: ["realtime", "ai"],
      docs: "Stream `token` events with ids, then `done`, with createEventStream() from @realtime-kit/server, and resume after stream.lastEventId. The protocol is documented at the top of the file.",
    },
    {
      name: "live-metrics",
      type: "registry:block",
      title: "Live metrics",
      description:
        "Metric cards that follow a Server-Sent Events stream: the value in the reader’s locale, the change with icon, sign and colour, and a streaming SVG area chart of the last N samples with a text summary and a hidden data table.",
      dependencies: [REACT_PACKAGE, "lucide-react", "motion"],
      registryDependencies: [
        "badge",
        "button",
        url("utils"),
        url("use-locale"),
        url("connection-dot"),
      ],
      files: [
        {
          path: "registry/realtime/blocks/live-metrics.tsx",
          type: "registry:component",
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
        url("utils"),
        url("use-locale"),
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
          path: "registry/realtime/blocks/notification-center/lib/notification-center-items.ts",
          type: "registry:lib",
        },
      ],
      categories: ["realtime", "notifications"],
      docs: "Render it inside <RealtimeProvider transport={…}> next to a sonner <Toaster />, and publish `notification` events ({ title, body? }) to the user’s channel from your server.",
    },
    {
      name: "user-color",
      type: "registry:lib",
      title: "userColor",
      description:
        "A stable colour per user id (OKLCH, hue from a hash): white text on it and the colour on light or dark backgrounds both stay readable.",
      files: [
        { path: "registry/realtime/lib/user-color.ts", type: "registry:lib" },
      ],
    },
    {
      name: "live-cursors",
      type: "registry:component",
      title: "Live cursors",
      description:
        "Everyone else’s pointer over a shared surface, with their name in their colour: throttled channel signals, normalised positions, smooth glides, gone when they leave.",
      dependencies: [REACT_PACKAGE],
      registryDependencies: [
        url("utils"),
        url("use-locale"),
        url("user-color"),
      ],
      files: [
        {
          path: "registry/realtime/components/live-cursors.tsx",
          type: "registry:component",
        },
      ],
      categories: ["realtime", "collaboration"],
      docs: 'Wrap the shared surface: <LiveCursors channel="board:7" user={{ id, name }}>…</LiveCursors>, inside <RealtimeProvider transport={…}>.',
    },
    {
      name: "collaborative-editor",
      type: "registry:block",
      title: "Collaborative editor",
      description:
        "A shared plain-text document over Yjs and the channel API: concurrent edits converge, offline edits merge on reconnect, the others’ carets and selections show with their names.",
      dependencies: [REACT_PACKAGE, CORE_PACKAGE, "yjs", "lucide-react"],
      registryDependencies: [
        "textarea",
        url("utils"),
        url("use-locale"),
        url("user-color"),
        url("status-colors"),
      ],
      files: [
        {
          path: "registry/realtime/components/collaborative-editor.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/components/collaborative-editor-frame.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/components/collaborative-editor-carets.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/hooks/use-collaborative-text.ts",
          type: "registry:hook",
        },
        {
          path: "registry/realtime/hooks/use-remote-carets.ts",
          type: "registry:hook",
        },
        {
          path: "registry/realtime/lib/collaborative-editor.ts",
          type: "registry:lib",
        },
      ],
      categories: ["realtime", "collaboration"],
      docs: 'Render <CollaborativeEditor channel="doc:42" user={{ id, name }} /> inside <RealtimeProvider transport={…}>. The document syncs with bindYjsToChannel from @realtime-kit/core/yjs (yjs is its optional peer dependency), whose protocol is documented there.',
    },
    {
      name: "realtime-devtools",
      type: "registry:component",
      title: "Realtime devtools",
      description:
        "A floating, collapsible devtools panel for every connection on the page, whatever the transport: status timeline, retries, resume cursors, outbox, presence, an event log with a JSON tree (filter, pause, export), and chaos controls (disconnect, offline, latency, drop the next N). Costs nothing while closed; off in production builds.",
      dependencies: [CORE_PACKAGE, "lucide-react"],
      registryDependencies: [
        "badge",
        "button",
        "input",
        "label",
        "native-select",
        "scroll-area",
        "tabs",
        url("utils"),
        url("use-locale"),
        url("status-colors"),
      ],
      files: [
        {
          path: "registry/realtime/components/realtime-devtools.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/components/realtime-devtools-panel.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/components/realtime-devtools-overview.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/components/realtime-devtools-log.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/components/realtime-devtools-chaos.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/components/realtime-devtools-json-tree.tsx",
          type: "registry:component",
        },
        {
          path: "registry/realtime/lib/realtime-devtools.ts",
          type: "registry:lib",
        },
      ],
      categories: ["realtime", "devtools"],
      docs: "Render <RealtimeDevtools /> once, anywhere in your app (e.g. the root layout); Ctrl+Shift+D toggles it. It renders nothing when NODE_ENV is production unless you pass `enabled`. Needs @realtime-kit/core ≥ the version with the /devtools entry.",
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
        url("utils"),
        url("stream-progress"),
      ],
      files: [
        {
          path: "registry/realtime/blocks/live-form/live-form.tsx",
          type: "registry:component",
        },
      ],
      categories: ["realtime", "forms"],
      docs: 'Pass a Server Action as `action` (it validates again and returns { status: "invalid" | "working" | "success" | "error", … }) and per-field `validators` that fetch with the given AbortSignal. A `working` state’s `progressUrl` streams the stream-progress protocol. The contract is documented at the top of the file.',
    },
  ] satisfies RegistryItem[]
}

/** The whole `registry.json` for the given base URL. */
export function defineRegistry(
  baseUrl: string = DEFAULT_REGISTRY_URL
): Registry {
  return {
    $schema: "https://ui.shadcn.com/schema/registry.json",
    name: "realtime",
    // The docs site that serves the items: the base URL without its `/r`.
    homepage: baseUrl.replace(/\/r\/?$/, ""),
    items: registryItems(baseUrl),
  }
}
