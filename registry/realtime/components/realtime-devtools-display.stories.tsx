import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { RealtimeDevtools } from "@/registry/realtime/components/realtime-devtools"
import {
  appReady,
  eventRows,
  freshEventLog,
  openConnection,
  panelOf,
  realtimeDevtoolsMeta,
  ROOM,
  triggerOf,
  withOthers,
} from "@/registry/realtime/components/realtime-devtools.story-fixtures"
import { kitOf } from "@/registry/realtime/testing/story-kit"

// Presentation and edge cases: many connections, dark, right to left, reduced motion. The behaviour stories are in
// realtime-devtools.stories.tsx.
const meta = {
  ...realtimeDevtoolsMeta,
  title: "Realtime/RealtimeDevtools/Display",
  component: RealtimeDevtools,
} satisfies Meta<typeof RealtimeDevtools>

export default meta
type Story = StoryObj<typeof meta>

/** Many connections: every client on the page is listed; picking one shows its own channels. */
export const ManyConnections: Story = {
  args: { defaultOpen: true },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const kit = kitOf({ loaded })
    await withOthers(kit, ["ada", "grace", "linus"], async (others) => {
      others[0]!.channel("room:ada").presence.enter({ name: "Ada" })
      const panel = panelOf(canvasElement)
      await waitFor(() =>
        expect(
          within(panel).getAllByRole("button", { name: /^memory/ })
        ).toHaveLength(4)
      )
      const items = within(panel).getAllByRole("button", { name: /^memory/ })
      await userEvent.click(items[1]!)
      await waitFor(() =>
        expect(
          within(panel).getByRole("row", { name: /room:ada/ })
        ).toBeInTheDocument()
      )
      await userEvent.click(
        within(panel).getByRole("button", { name: "All connections" })
      )
      await expect(
        within(panel).getAllByRole("button", { name: /^memory/ })
      ).toHaveLength(4)
    })
    await waitFor(() =>
      expect(
        within(panelOf(canvasElement)).getAllByRole("button", {
          name: /^memory/,
        })
      ).toHaveLength(1)
    )
  },
}

/** Dark theme, open on the event log. */
export const Dark: Story = {
  args: { defaultOpen: true },
  globals: { theme: "dark" },
  play: async ({ canvasElement, loaded }) => {
    await appReady(canvasElement)
    const panel = await openConnection(canvasElement)
    await freshEventLog(panel)
    kitOf({ loaded }).server.publish(ROOM, "message", { text: "in the dark" })
    await waitFor(() => expect(eventRows(panel)).toHaveLength(1))
    await userEvent.click(within(eventRows(panel)[0]!).getByRole("button"))
  },
}

/** Right to left: the button sits at the inline end (left), arrows and tabs follow the direction. */
export const RightToLeft: Story = {
  args: { defaultOpen: true },
  globals: { direction: "rtl" },
  play: async ({ canvasElement }) => {
    await appReady(canvasElement)
    const trigger = triggerOf(canvasElement)
    await expect(trigger.getBoundingClientRect().left).toBeLessThan(
      window.innerWidth / 2
    )
    const panel = await openConnection(canvasElement)
    within(panel).getByRole("tab", { name: "Overview" }).focus()
    await userEvent.keyboard("{ArrowLeft}")
    await expect(
      within(panel).getByRole("tab", { name: "Events" })
    ).toHaveFocus()
    await expect(
      within(panel).getByRole("tab", { name: "Events" })
    ).toHaveAttribute("aria-selected", "true")
  },
}

/** Reduced motion: no pulsing status dots or transitions. */
export const ReducedMotion: Story = {
  args: { defaultOpen: true },
  globals: { reducedMotion: "reduce" },
  play: async ({ canvasElement }) => {
    await appReady(canvasElement)
    const panel = await openConnection(canvasElement)
    for (const dot of panel.querySelectorAll<HTMLElement>(
      '[data-slot="realtime-devtools-dot"]'
    )) {
      await expect(getComputedStyle(dot).animationName).toBe("none")
    }
  },
}
