import type { RegistryItem } from "shadcn/schema"

import { CORE_PACKAGE, REACT_PACKAGE } from "./local"

/** The libraries and hooks other items build on: `cn`, the locale, the retry countdown, the stream phase, status colours, sentence announcements, connection feedback, user colours. */
export const foundationItems: RegistryItem[] = [
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
    name: "chat-mention-signal",
    type: "registry:lib",
    title: "Chat mention signal",
    description:
      "The `chat:mention` signal a chat room sends when a message mentions someone, and a reader for it: how chat-room and notification-center talk.",
    files: [
      {
        path: "registry/realtime/lib/chat-mention-signal.ts",
        type: "registry:lib",
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
    name: "use-sentence-announcements",
    type: "registry:hook",
    title: "useSentenceAnnouncements",
    description:
      "Text that is still being written (an AI answer), cut into whole sentences for a polite live region, so screen readers hear sentences rather than every token.",
    files: [
      {
        path: "registry/realtime/hooks/use-sentence-announcements.ts",
        type: "registry:hook",
      },
    ],
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
    name: "user-color",
    type: "registry:lib",
    title: "userColor",
    description:
      "A stable colour per user id (OKLCH, hue from a hash): white text on it and the colour on light or dark backgrounds both stay readable.",
    files: [
      { path: "registry/realtime/lib/user-color.ts", type: "registry:lib" },
    ],
  },
]
