/**
 * Shared setup of the NotificationCenter stories (notification-center.stories.tsx and
 * notification-center-display.stories.tsx): the story's server, a fake Notification API, the history, the meta both
 * files spread, and the queries their `play` functions use. Not a registry item file and not a story file: nothing
 * here ships.
 */
import {
  createTestTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import { RealtimeProvider, type Transport } from "@realtime-kit/react"
import type { Decorator, Meta, StoryContext } from "@storybook/react-vite"
import { toast, Toaster } from "sonner"
import { expect, fn, userEvent, waitFor, within } from "storybook/test"

import {
  NotificationCenter,
  type NotificationCenterItem,
} from "@/registry/realtime/blocks/notification-center/notification-center"
import { sleep } from "@/registry/realtime/testing/story-kit"

export const CHANNEL = "notifications:you"

interface Loaded {
  kit: TestTransport
  transport: Transport
  /** Resolves once the server has the block's channel subscription: publish after it, or the message is history. */
  subscribed: () => Promise<void>
  /** The story's clock: history is placed relative to it, so "5 minutes ago" stays true however long the run. */
  now: number
}

type History = "none" | "some" | "many"
type Permission = NotificationPermission | "unsupported"

/** A stand-in for the browser's Notification API: records what would have been shown and what was asked. */
export class FakeNotification {
  static permission: NotificationPermission = "default"
  /** What `requestPermission()` answers (the user's click in the browser's prompt). */
  static answer: NotificationPermission = "granted"
  static requestPermission = fn(async () => {
    FakeNotification.permission = FakeNotification.answer
    return FakeNotification.permission
  })
  static shown: FakeNotification[] = []
  onclick: (() => void) | null = null
  constructor(
    readonly title: string,
    readonly options?: NotificationOptions
  ) {
    FakeNotification.shown.push(this)
  }
  close() {}
}

/** A fresh server hub and this user's transport per story. */
const channelLoader = async (): Promise<Loaded> => {
  let subscribes = 0
  const kit = createTestTransport({
    hub: {
      admit: (_session, frame) => {
        if (frame.type === "subscribe" && frame.channel === CHANNEL)
          subscribes++
        return null
      },
    },
  })
  const subscribed = async () => {
    await waitFor(() => expect(subscribes).toBeGreaterThan(0))
    // The hub registers the subscription right after admitting it.
    await sleep(10)
  }
  return {
    kit,
    transport: kit.createTransport({ userId: "you" }),
    now: Date.now(),
    subscribed,
  }
}

export const loadedOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as Loaded

/** The user's RealtimeProvider, plus the Toaster the block's toasts render into (following the theme and direction). */
const withChannel: Decorator = (Story, context) => {
  const { kit, transport } = loadedOf(context)
  const { theme, direction } = context.globals as {
    theme?: "light" | "dark"
    direction?: "ltr" | "rtl"
  }
  return (
    <RealtimeProvider transport={transport} network={kit.network}>
      {/* Room below the bell for the panel. */}
      <div className="flex min-h-[34rem] items-start justify-end">
        <Story />
      </div>
      <Toaster
        theme={theme ?? "light"}
        dir={direction ?? "ltr"}
        position="bottom-right"
        duration={60_000}
      />
    </RealtimeProvider>
  )
}

function history(now: number, kind: History): NotificationCenterItem[] {
  if (kind === "none") return []
  if (kind === "some") {
    return [
      {
        id: "n1",
        title: "Deploy finished",
        body: "acme.dev is live on 3 regions.",
        at: now - 5 * 60_000,
      },
      {
        id: "n2",
        title: "Maya commented on “Launch plan”",
        body: "Looks good — ship it Thursday?",
        at: now - 2 * 3_600_000,
      },
      { id: "n3", title: "Invoice #1042 paid", at: now - 26 * 3_600_000 },
      {
        id: "n4",
        title: "Weekly report is ready",
        at: now - 9 * 24 * 3_600_000,
        read: true,
      },
    ]
  }
  return Array.from({ length: 150 }, (_, index) => ({
    id: `m${index}`,
    title: `Build #${2000 - index} ${index % 3 === 0 ? "failed on main" : "passed"}`,
    body:
      index % 3 === 0
        ? "TypeError: Cannot read properties of undefined (reading “id”) in src/app.tsx:42"
        : undefined,
    at: now - index * 17 * 60_000,
    read: index >= 120,
  }))
}

/** The meta of both NotificationCenter story files, without their `title` and `component` (Storybook reads those statically). */
export const notificationCenterMeta = {
  loaders: [channelLoader],
  decorators: [withChannel],
  parameters: {
    history: "some" satisfies History,
    desktopPermission: "default" satisfies Permission,
  },
  args: { channel: CHANNEL, locale: "en-US", onMarkRead: fn() },
  beforeEach: (context) => {
    toast.dismiss()
    const permission = (context.parameters.desktopPermission ??
      "default") as Permission
    const original = Object.getOwnPropertyDescriptor(window, "Notification")
    FakeNotification.permission =
      permission === "unsupported" ? "default" : permission
    FakeNotification.answer = "granted"
    FakeNotification.requestPermission.mockClear()
    FakeNotification.shown = []
    if (permission === "unsupported")
      delete (window as { Notification?: unknown }).Notification
    else
      Object.defineProperty(window, "Notification", {
        value: FakeNotification,
        configurable: true,
        writable: true,
      })
    return () => {
      if (original) Object.defineProperty(window, "Notification", original)
      toast.dismiss()
    }
  },
  render: (args, context) => (
    <NotificationCenter
      {...args}
      initial={
        args.initial ??
        history(loadedOf(context).now, context.parameters.history as History)
      }
    />
  ),
} satisfies Meta<typeof NotificationCenter>

export const bell = (canvasElement: HTMLElement) =>
  within(canvasElement).getByRole("button", { name: /^Notifications/ })
// The panel is shadcn's popover, which renders in a portal: its contents are queried on the whole page.
export const items = (root: HTMLElement) => [
  ...root.querySelectorAll<HTMLElement>(
    '[data-slot="notification-center-item"]'
  ),
]
export const badge = (canvasElement: HTMLElement) =>
  canvasElement.querySelector('[data-slot="notification-center-badge"]')
export const page = within(document.body)

/**
 * Clicks the bell, and lets shadcn's popover finish fading in (tw-animate-css), so what the story then checks is
 * what a user sees once it has opened.
 */
export async function openPanel(canvasElement: HTMLElement) {
  await userEvent.click(bell(canvasElement))
  const panel = await page.findByRole("dialog")
  await waitFor(() =>
    expect(
      panel
        .getAnimations()
        .filter((animation) => animation.playState === "running")
    ).toEqual([])
  )
}

/** The popover fades out before it is removed: waits until it is gone. */
export const panelClosed = () =>
  waitFor(() => expect(page.queryByRole("dialog")).toBeNull())
