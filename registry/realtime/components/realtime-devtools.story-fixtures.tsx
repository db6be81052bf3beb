/**
 * Shared setup of the RealtimeDevtools stories (realtime-devtools.stories.tsx and
 * realtime-devtools-display.stories.tsx): the small app under inspection, the meta both files spread, and the
 * queries their `play` functions use. Not a registry item file and not a story file: nothing here ships.
 */
import * as React from "react"
import type { RealtimeClient } from "@realtime-kit/core"
import type { TestTransport } from "@realtime-kit/core/testing"
import {
  useChannel,
  useConnectionState,
  useEvent,
  useSSE,
} from "@realtime-kit/react"
import type { Meta } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { RealtimeDevtools } from "@/registry/realtime/components/realtime-devtools"
import {
  connectAs,
  testTransportLoader,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

export const ROOM = "room:devtools"

/** A tiny app under inspection: it listens to the room and shows what it received and its status. */
export function Feed() {
  const room = useChannel<{ message: { text: string } }>(ROOM)
  const channelState = React.useSyncExternalStore(
    room.subscribe,
    room.getSnapshot,
    room.getSnapshot
  )
  const { status } = useConnectionState()
  const [texts, setTexts] = React.useState<string[]>([])
  useEvent(room, "message", (message) =>
    setTexts((current) => [...current, message.data.text])
  )
  return (
    <section
      aria-label="App"
      className="max-w-sm space-y-2 rounded-lg border p-4 text-sm"
    >
      <p>
        App status: <span data-testid="app-status">{status}</span>
        {channelState.subscribed && (
          <span data-testid="app-subscribed"> · subscribed</span>
        )}
      </p>
      <ul aria-label="Received" className="list-disc ps-5">
        {texts.map((text, index) => (
          <li key={index}>{text}</li>
        ))}
      </ul>
    </section>
  )
}

/** A raw Server-Sent Events stream next to the channel client (the story kit's fetch serves it). */
export function JobProgress() {
  const job = useSSE<{ pct: number }>("/jobs/7/events", {
    events: ["progress"],
  })
  return (
    <p className="mt-2 text-sm">
      Job:{" "}
      <span data-testid="job-progress">
        {job.data ? `${job.data.pct}%` : job.status}
      </span>
    </p>
  )
}

/** The meta of both RealtimeDevtools story files, without their `title` and `component` (Storybook reads those statically). */
export const realtimeDevtoolsMeta = {
  loaders: [testTransportLoader],
  decorators: [withChannelTransport],
  args: { enabled: true, locale: "en-US" },
  render: (args) => (
    <div className="min-h-[640px]">
      <Feed />
      <RealtimeDevtools {...args} />
    </div>
  ),
} satisfies Meta<typeof RealtimeDevtools>

export const triggerOf = (root: HTMLElement) =>
  within(root).getByRole("button", { name: "Realtime devtools" })
export const panelOf = (root: HTMLElement) => within(root).getByRole("dialog")

/** The app is connected and its channel subscribed, so server publishes reach it. */
export async function appReady(root: HTMLElement) {
  await waitFor(() =>
    expect(within(root).getByTestId("app-status")).toHaveTextContent("open")
  )
  await waitFor(() =>
    expect(within(root).getByTestId("app-subscribed")).toBeInTheDocument()
  )
}

export const received = (root: HTMLElement) =>
  within(within(root).getByRole("list", { name: "Received" }))
    .queryAllByRole("listitem")
    .map((item) => item.textContent)

/** Opens the panel (if closed) and the story's own connection (the first client listed). */
export async function openConnection(root: HTMLElement) {
  if (triggerOf(root).getAttribute("aria-expanded") !== "true")
    await userEvent.click(triggerOf(root))
  const panel = panelOf(root)
  const [first] = await waitFor(() => {
    const items = within(panel).getAllByRole("button", { name: /^memory/ })
    expect(items.length).toBeGreaterThan(0)
    return items
  })
  await userEvent.click(first!)
  await waitFor(() =>
    expect(within(panel).getByRole("tablist")).toBeInTheDocument()
  )
  return panel
}

export async function openTab(
  panel: HTMLElement,
  name: "Overview" | "Events" | "Chaos"
) {
  await userEvent.click(within(panel).getByRole("tab", { name }))
  await expect(within(panel).getByRole("tab", { name })).toHaveAttribute(
    "aria-selected",
    "true"
  )
}

/** The Events tab with the connection's handshake (welcome, subscribe, subscribed…) cleared away. */
export async function freshEventLog(panel: HTMLElement) {
  await openTab(panel, "Events")
  await waitFor(() => expect(eventRows(panel).length).toBeGreaterThan(0))
  await userEvent.click(within(panel).getByRole("button", { name: "Clear" }))
  await waitFor(() => expect(eventRows(panel)).toHaveLength(0))
}

export const eventRows = (panel: HTMLElement) => [
  ...panel.querySelectorAll<HTMLElement>(
    '[data-slot="realtime-devtools-event"]'
  ),
]
export const statusLabel = (panel: HTMLElement) =>
  panel.querySelector('[data-slot="realtime-devtools-status-label"]')!

/** Other users on the same server: closed when the story's play ends, so later stories list only their own. */
export async function withOthers<T>(
  kit: TestTransport,
  users: string[],
  run: (clients: RealtimeClient[]) => Promise<T>
): Promise<T> {
  const clients = await Promise.all(users.map((user) => connectAs(kit, user)))
  try {
    return await run(clients)
  } finally {
    for (const client of clients) client.close()
  }
}
