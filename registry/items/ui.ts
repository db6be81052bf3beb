import type { RegistryItem } from "shadcn/schema"

import { local, REACT_PACKAGE } from "./local"

/** Small UI items (`registry:ui`), installed into the app's `components/ui`. */
export const uiItems: RegistryItem[] = [
  {
    name: "connection-dot",
    type: "registry:ui",
    title: "Connection dot",
    description:
      "A status dot and label for a realtime connection: live, connecting, reconnecting with a countdown, offline, failed. Announced politely to screen readers.",
    dependencies: [REACT_PACKAGE, "class-variance-authority"],
    registryDependencies: [
      local("utils"),
      local("use-locale"),
      local("use-retry-countdown"),
      local("status-colors"),
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
      "A number that follows a Server-Sent Events stream, a channel or a value you pass, and springs to each new value, in the reader’s locale, without layout shift.",
    dependencies: [REACT_PACKAGE, "motion"],
    registryDependencies: [local("utils"), local("use-locale")],
    files: [
      { path: "registry/realtime/ui/live-counter.tsx", type: "registry:ui" },
    ],
    categories: ["realtime", "data-display"],
    docs: "Give it `url` (an SSE endpoint), `channel` (a name or a Channel, inside <RealtimeProvider>) or `value`. Render `initialValue` from the server so the number does not flash from 0. Needs @realtime-kit/react.",
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
      local("utils"),
      local("use-locale"),
    ],
    files: [
      {
        path: "registry/realtime/ui/presence-avatars.tsx",
        type: "registry:ui",
      },
      {
        path: "registry/realtime/ui/presence-avatar.tsx",
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
    registryDependencies: [local("utils"), local("use-locale")],
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
      local("utils"),
      local("use-locale"),
      local("use-retry-countdown"),
      local("use-connection-feedback"),
      local("status-colors"),
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
]
