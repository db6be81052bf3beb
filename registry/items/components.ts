import type { RegistryItem } from "shadcn/schema"

import { CORE_PACKAGE, local, REACT_PACKAGE } from "./local"

/** Components (`registry:component`), installed into the app's `components`. */
export const componentItems: RegistryItem[] = [
  {
    name: "stream-progress",
    type: "registry:component",
    title: "Stream progress",
    description:
      "A progress bar and step list for a long task that streams `step`, `progress`, `done` and `error` events, with reconnect and retry.",
    dependencies: [REACT_PACKAGE, "class-variance-authority", "lucide-react"],
    registryDependencies: [
      "button",
      local("utils"),
      local("use-locale"),
      local("use-retry-countdown"),
      local("stream-phase"),
    ],
    files: [
      {
        path: "registry/realtime/components/stream-progress.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/components/stream-progress-steps.tsx",
        type: "registry:component",
      },
    ],
    categories: ["realtime", "progress"],
    docs: "Stream events with createEventStream() from @realtime-kit/server; the protocol is documented at the top of the file.",
  },
  {
    name: "reconnect-toast",
    type: "registry:component",
    title: "Reconnect toast",
    description:
      'Connection trouble as one sonner toast updated in place: "Connection lost" with a countdown and "Retry now", offline, failed, then "Reconnected". Toasts raised before the Toaster mounts are kept.',
    dependencies: [REACT_PACKAGE, "sonner", "lucide-react"],
    registryDependencies: [
      local("use-locale"),
      local("use-retry-countdown"),
      local("use-connection-feedback"),
      local("status-colors"),
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
      local("utils"),
      local("use-locale"),
      local("use-retry-countdown"),
      local("stream-phase"),
      local("use-sentence-announcements"),
    ],
    files: [
      {
        path: "registry/realtime/components/streaming-text.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/lib/fold-tokens.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "ai"],
    docs: "Stream `token` events with ids, then `done`, with createEventStream() from @realtime-kit/server, and resume after stream.lastEventId. The protocol is documented at the top of the file.",
  },
  {
    name: "live-cursors",
    type: "registry:component",
    title: "Live cursors",
    description:
      "Everyone else’s pointer over a shared surface, with their name in their colour: throttled channel signals, normalised positions, smooth glides, gone when they leave.",
    dependencies: [REACT_PACKAGE],
    registryDependencies: [
      local("utils"),
      local("use-locale"),
      local("user-color"),
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
    name: "live-reactions",
    type: "registry:component",
    title: "Live reactions",
    description:
      "A row of reaction buttons and the reactions everyone in a channel sends floating up and fading out: ephemeral channel signals, throttled per sender, decorative to screen readers, a fade in place under reduced motion.",
    dependencies: [REACT_PACKAGE, "motion"],
    registryDependencies: ["button", local("utils")],
    files: [
      {
        path: "registry/realtime/components/live-reactions.tsx",
        type: "registry:component",
      },
    ],
    categories: ["realtime", "collaboration"],
    docs: 'Render <LiveReactions channel="stream:42" /> inside <RealtimeProvider transport={…}>; give it room above (the reactions float up over what is there).',
  },
  {
    name: "collaborative-editor",
    type: "registry:block",
    title: "Collaborative editor",
    description:
      "A shared plain-text document over Yjs and the channel API: concurrent edits converge, offline edits merge on reconnect, the others’ carets and selections show with their names.",
    // y-protocols: @realtime-kit/core/yjs imports it (the awareness binding) beside yjs.
    dependencies: [
      REACT_PACKAGE,
      CORE_PACKAGE,
      "yjs",
      "y-protocols",
      "lucide-react",
    ],
    registryDependencies: [
      "textarea",
      local("utils"),
      local("use-locale"),
      local("user-color"),
      local("status-colors"),
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
        path: "registry/realtime/lib/collaborative-editor-labels.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "collaboration"],
    docs: 'Render <CollaborativeEditor channel="doc:42" user={{ id, name }} /> inside <RealtimeProvider transport={…}>. The document syncs with bindYjsToChannel from @realtime-kit/core/yjs (yjs is its optional peer dependency), whose protocol is documented there.',
  },
  {
    name: "collaborative-rich-text",
    type: "registry:block",
    title: "Collaborative rich text",
    description:
      "A shared rich-text document (Tiptap over Yjs and the channel API): a formatting toolbar on shadcn buttons, the others’ carets and selections with their names and colours, concurrent and offline edits merged.",
    // Tiptap's packages are released together and must match: one range for all of them.
    dependencies: [
      REACT_PACKAGE,
      CORE_PACKAGE,
      "yjs",
      "y-protocols",
      "@tiptap/core@^3.35.0",
      "@tiptap/pm@^3.35.0",
      "@tiptap/react@^3.35.0",
      "@tiptap/starter-kit@^3.35.0",
      "@tiptap/extensions@^3.35.0",
      "@tiptap/extension-collaboration@^3.35.0",
      "@tiptap/extension-collaboration-caret@^3.35.0",
      "@tiptap/y-tiptap@^3.0.7",
      "lucide-react",
    ],
    registryDependencies: [
      "button",
      local("utils"),
      local("use-locale"),
      local("user-color"),
      local("status-colors"),
    ],
    files: [
      {
        path: "registry/realtime/components/collaborative-rich-text.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/components/collaborative-rich-text-toolbar.tsx",
        type: "registry:component",
      },
      {
        path: "registry/realtime/hooks/use-collaborative-rich-text.ts",
        type: "registry:hook",
      },
      {
        path: "registry/realtime/lib/collaborative-rich-text-labels.ts",
        type: "registry:lib",
      },
      {
        path: "registry/realtime/lib/collaborative-rich-text-carets.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "collaboration"],
    docs: 'Render <CollaborativeRichText channel="doc:42" user={{ id, name }} /> inside <RealtimeProvider transport={…}>. The document and the carets sync with bindYjsToChannel from @realtime-kit/core/yjs and bindAwarenessToChannel from @realtime-kit/core/yjs-awareness (yjs and y-protocols are their optional peer dependencies), whose protocol is documented there.',
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
      local("utils"),
      local("use-locale"),
      local("status-colors"),
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
        path: "registry/realtime/lib/realtime-devtools-labels.ts",
        type: "registry:lib",
      },
    ],
    categories: ["realtime", "devtools"],
    docs: "Render <RealtimeDevtools /> once, anywhere in your app (e.g. the root layout); Ctrl+Shift+D toggles it. It renders nothing when NODE_ENV is production unless you pass `enabled`. Needs @realtime-kit/core ≥ the version with the /devtools entry.",
  },
]
