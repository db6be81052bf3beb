import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { RealtimeDevtools } from "@/registry/realtime/components/realtime-devtools"
import {
  appReady,
  eventRows,
  Feed,
  freshEventLog,
  JobProgress,
  openConnection,
  openTab,
  panelOf,
  realtimeDevtoolsMeta,
  received,
  ROOM,
  statusLabel,
  triggerOf,
} from "@/registry/realtime/components/realtime-devtools.story-fixtures"
import { kitOf } from "@/registry/realtime/testing/story-kit"

// Behaviour: opening, the event log, the JSON tree, chaos, raw SSE. Many connections, dark, right to left and
// reduced motion are in realtime-devtools-display.stories.tsx.
const meta = {
  ...realtimeDevtoolsMeta,
  title: "Realtime/RealtimeDevtools",
  component: RealtimeDevtools,
} satisfies Meta<typeof RealtimeDevtools>

export default meta
type Story = StoryObj<typeof meta>

/** Closed: only the button; Ctrl+Shift+D (or the button) toggles, Escape closes and focus returns to the button. */
export const Closed: Story = {
  play: async ({ canvasElement }) => {
    await appReady(canvasElement)
    const trigger = triggerOf(canvasElement)
    await expect(trigger).toHaveAttribute("aria-expanded", "false")
    await expect(trigger).toHaveAttribute(
      "aria-keyshortcuts",
      "Control+Shift+D"
    )
    await expect(within(canvasElement).queryByRole("dialog")).toBeNull()
    await userEvent.keyboard("{Control>}{Shift>}D{/Shift}{/Control}")
    const panel = await waitFor(() => panelOf(canvasElement))
    await expect(trigger).toHaveAttribute("aria-expanded", "true")
    await waitFor(() => expect(panel).toHaveFocus())
    await userEvent.keyboard("{Escape}")
    await expect(within(canvasElement).queryByRole("dialog")).toBeNull()
    await expect(trigger).toHaveFocus()
    await userEvent.click(trigger)
    await waitFor(() => expect(panelOf(canvasElement)).toBeInTheDocument())
    await userEvent.keyboard("{Control>}{Shift>}D{/Shift}{/Control}")
    await expect(within(canvasElement).queryByRole("dialog")).toBeNull()
  },
}

/** Open over a live memory connection: its status, timeline and channel with the resume cursor. */
export const Open: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    kit.server.publish(ROOM, "message", { text: "first" })
    kit.server.publish(ROOM, "message", { text: "second" })
    await waitFor(() =>
      expect(received(canvasElement)).toEqual(["first", "second"])
    )
    const panel = await openConnection(canvasElement)
    await expect(statusLabel(panel)).toHaveTextContent("Open")
    const row = await waitFor(() =>
      within(panel).getByRole("row", { name: new RegExp(ROOM) })
    )
    await expect(row).toHaveTextContent("✓")
    await expect(within(row).getAllByRole("cell")[1]).toHaveTextContent("2")
    const timeline = panel.querySelector(
      '[data-slot="realtime-devtools-timeline"]'
    )!
    await expect(timeline).toHaveTextContent("Open")
  },
}

/** The event log: frames in and out with direction, event, size and time; a payload opens as a JSON tree. */
export const EventLogWithMessages: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    const panel = await openConnection(canvasElement)
    await freshEventLog(panel)
    kit.server.publish(ROOM, "message", { text: "hello from the server" })
    kit.server.publish(ROOM, "typing", { user: "ada" })
    await waitFor(() => expect(eventRows(panel).length).toBe(2))
    const [newest, older] = eventRows(panel)
    await expect(newest).toHaveAttribute("data-direction", "in")
    await expect(newest).toHaveTextContent("typing")
    await expect(older).toHaveTextContent("message")
    await expect(newest).toHaveTextContent(/\d+B/)
    const toggle = within(older!).getByRole("button")
    await userEvent.click(toggle)
    await expect(toggle).toHaveAttribute("aria-expanded", "true")
    const tree = within(older!).getByRole("tree", { name: "Payload" })
    await expect(
      within(tree).getByText('"hello from the server"', { exact: false })
    ).toBeInTheDocument()
  },
}

/** The filter narrows the log to matching events (type, event name, channel or payload). */
export const Filter: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    const panel = await openConnection(canvasElement)
    await freshEventLog(panel)
    kit.server.publish(ROOM, "message", { text: "apples" })
    kit.server.publish(ROOM, "message", { text: "pears" })
    kit.server.publish(ROOM, "cursor", { x: 1 })
    await waitFor(() => expect(eventRows(panel)).toHaveLength(3))
    await userEvent.type(
      within(panel).getByRole("searchbox", { name: "Filter events" }),
      "pears"
    )
    await waitFor(() => expect(eventRows(panel)).toHaveLength(1))
    await expect(eventRows(panel)[0]).toHaveTextContent("message")
    await userEvent.clear(
      within(panel).getByRole("searchbox", { name: "Filter events" })
    )
    await userEvent.type(
      within(panel).getByRole("searchbox", { name: "Filter events" }),
      "cursor"
    )
    await waitFor(() => expect(eventRows(panel)).toHaveLength(1))
    await expect(eventRows(panel)[0]).toHaveTextContent("cursor")
  },
}

/** Paused: new events are counted, not recorded, until Resume; Clear empties the log. */
export const Paused: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    const panel = await openConnection(canvasElement)
    await freshEventLog(panel)
    kit.server.publish(ROOM, "message", { text: "before" })
    await waitFor(() => expect(eventRows(panel)).toHaveLength(1))
    const pause = within(panel).getByRole("button", { name: "Pause" })
    await userEvent.click(pause)
    await expect(
      within(panel).getByRole("button", { name: "Resume" })
    ).toHaveAttribute("aria-pressed", "true")
    kit.server.publish(ROOM, "message", { text: "while paused" })
    await waitFor(() =>
      expect(received(canvasElement)).toContain("while paused")
    )
    await waitFor(() =>
      expect(
        panel.querySelector('[data-slot="realtime-devtools-paused"]')
      ).toHaveTextContent("Paused: 1 not recorded")
    )
    await expect(eventRows(panel)).toHaveLength(1)
    await userEvent.click(within(panel).getByRole("button", { name: "Resume" }))
    kit.server.publish(ROOM, "message", { text: "after" })
    await waitFor(() => expect(eventRows(panel)).toHaveLength(2))
    await userEvent.click(within(panel).getByRole("button", { name: "Clear" }))
    await waitFor(() => expect(eventRows(panel)).toHaveLength(0))
    await expect(within(panel).getByText("No events yet.")).toBeInTheDocument()
  },
}

/** The JSON tree by keyboard: Right expands, Down moves, Left collapses and goes to the parent. */
export const JsonTreeExpanded: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    const panel = await openConnection(canvasElement)
    await freshEventLog(panel)
    kit.server.publish(ROOM, "order", {
      id: 42,
      items: [{ sku: "tea", qty: 2 }],
      paid: true,
    })
    await waitFor(() => expect(eventRows(panel)).toHaveLength(1))
    await userEvent.click(within(eventRows(panel)[0]!).getByRole("button"))
    const tree = within(panel).getByRole("tree", { name: "Payload" })
    const root = within(tree).getAllByRole("treeitem")[0]!
    await expect(root).toHaveAttribute("aria-expanded", "true")
    root.focus()
    const item = (name: RegExp) =>
      within(tree)
        .getAllByRole("treeitem")
        .find((node) => name.test(node.textContent ?? ""))!
    // The frame's `data` starts expanded; `items` inside it does not.
    await expect(item(/^data:/)).toHaveAttribute("aria-expanded", "true")
    await expect(item(/^id:42/)).toHaveAttribute("aria-level", "3")
    for (
      let index = 0;
      index < 20 && !/^items:/.test(document.activeElement?.textContent ?? "");
      index += 1
    )
      await userEvent.keyboard("{ArrowDown}")
    const items = item(/^items:/)
    await expect(items).toHaveFocus()
    await expect(items).toHaveAttribute("aria-expanded", "false")
    await userEvent.keyboard("{ArrowRight}")
    await expect(items).toHaveAttribute("aria-expanded", "true")
    await userEvent.keyboard("{ArrowRight}")
    const first = item(/^0:/)
    await expect(first).toHaveFocus()
    await expect(first).toHaveAttribute("aria-level", "4")
    await userEvent.keyboard("{ArrowLeft}")
    await expect(items).toHaveFocus()
    await userEvent.keyboard("{ArrowLeft}")
    await expect(items).toHaveAttribute("aria-expanded", "false")
    await userEvent.keyboard("{Home}")
    await expect(root).toHaveFocus()
  },
}

/** Chaos: Offline makes the app see `offline` while the server goes on; Offline again resumes with nothing lost. */
export const ChaosOffline: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    const panel = await openConnection(canvasElement)
    await openTab(panel, "Chaos")
    const offline = within(panel).getByRole("button", { name: "Offline" })
    await userEvent.click(offline)
    await expect(offline).toHaveAttribute("aria-pressed", "true")
    await waitFor(() =>
      expect(within(canvasElement).getByTestId("app-status")).toHaveTextContent(
        "offline"
      )
    )
    await expect(statusLabel(panel)).toHaveTextContent("Offline")
    await waitFor(() =>
      expect(within(panel).getByRole("status")).toHaveTextContent(
        "Connection offline"
      )
    )
    kit.server.publish(ROOM, "message", { text: "sent while you were offline" })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await expect(received(canvasElement)).toEqual([])
    await userEvent.click(offline)
    await waitFor(() =>
      expect(within(canvasElement).getByTestId("app-status")).toHaveTextContent(
        "open"
      )
    )
    await waitFor(() =>
      expect(received(canvasElement)).toEqual(["sent while you were offline"])
    )
    await expect(statusLabel(panel)).toHaveTextContent("Open")
  },
}

/** Chaos: drop the next 2 messages; the client notices the hole at the third and resyncs: all three arrive, once. */
export const DropThenResync: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    const panel = await openConnection(canvasElement)
    await openTab(panel, "Chaos")
    const count = within(panel).getByRole("spinbutton", {
      name: "Messages to drop",
    })
    await userEvent.clear(count)
    await userEvent.type(count, "2")
    await userEvent.click(
      within(panel).getByRole("button", { name: "Drop next" })
    )
    await waitFor(() =>
      expect(within(panel).getByText("2 left to drop")).toBeInTheDocument()
    )
    kit.server.publish(ROOM, "message", { text: "one" })
    kit.server.publish(ROOM, "message", { text: "two" })
    kit.server.publish(ROOM, "message", { text: "three" })
    await waitFor(() =>
      expect(received(canvasElement)).toEqual(["one", "two", "three"])
    )
    await openTab(panel, "Events")
    await waitFor(() =>
      expect(panel.querySelectorAll('[data-fault="dropped"]')).toHaveLength(2)
    )
    await openTab(panel, "Overview")
    await waitFor(() =>
      expect(
        within(
          within(panel).getByRole("row", { name: new RegExp(ROOM) })
        ).getAllByRole("cell")[1]
      ).toHaveTextContent("3")
    )
  },
}

/** A raw useSSE stream is listed too: its events, its resume point (`Last-Event-ID`), and Disconnect as its chaos. */
export const RawSSEConnection: Story = {
  args: { defaultOpen: true },
  render: (args) => (
    <div className="min-h-[640px]">
      <Feed />
      <JobProgress />
      <RealtimeDevtools {...args} />
    </div>
  ),
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    const panel = panelOf(canvasElement)
    const sse = await waitFor(() =>
      within(panel).getByRole("button", { name: /^sse \/jobs\/7\/events/ })
    )
    await userEvent.click(sse)
    kit.server.send({ event: "progress", id: "p-1", data: { pct: 40 } })
    await waitFor(() =>
      expect(
        within(canvasElement).getByTestId("job-progress")
      ).toHaveTextContent("40%")
    )
    await waitFor(() =>
      expect(within(panel).getByText("p-1")).toBeInTheDocument()
    )
    await openTab(panel, "Events")
    await waitFor(() => expect(eventRows(panel)).toHaveLength(1))
    await expect(eventRows(panel)[0]).toHaveTextContent("progress")
    await openTab(panel, "Chaos")
    await expect(
      within(panel).getByText("Raw connections support Disconnect only.")
    ).toBeInTheDocument()
    await expect(
      within(panel).queryByRole("button", { name: "Offline" })
    ).toBeNull()
    await userEvent.click(
      within(panel).getByRole("button", { name: "Disconnect" })
    )
    await waitFor(() =>
      expect(
        kit.server.requests.filter((request) =>
          request.url.endsWith("/jobs/7/events")
        )
      ).toHaveLength(2)
    )
    await waitFor(() =>
      expect(kit.server.requests.at(-1)!.lastEventId).toBe("p-1")
    )
  },
}

/** Not rendered at all when disabled (what `enabled` defaults to in a production build). */
export const Disabled: Story = {
  args: { enabled: false },
  play: async ({ canvasElement }) => {
    await appReady(canvasElement)
    await expect(
      within(canvasElement).queryByRole("button", { name: "Realtime devtools" })
    ).toBeNull()
    await userEvent.keyboard("{Control>}{Shift>}D{/Shift}{/Control}")
    await expect(within(canvasElement).queryByRole("dialog")).toBeNull()
  },
}
