import { createRoomReactions } from "@realtime-kit/core"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { LiveReactions } from "@/registry/realtime/components/live-reactions"
import {
  connectAs,
  kitOf,
  sleep,
  testTransportLoader,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"

const CHANNEL = "stream:42"

const meta = {
  title: "Realtime/LiveReactions",
  component: LiveReactions,
  loaders: [testTransportLoader],
  decorators: [withChannelTransport],
  args: { channel: CHANNEL, className: "mt-52 ms-8" },
  parameters: { layout: "fullscreen" },
} satisfies Meta<typeof LiveReactions>

export default meta
type Story = StoryObj<typeof meta>

const floating = (root: HTMLElement) =>
  Array.from(root.querySelectorAll<HTMLElement>('[data-slot="live-reaction"]'))

/** The channel is subscribed: sends go out. */
async function ready(root: HTMLElement) {
  const button = within(root).getByRole("button", { name: "Send 👏" })
  await waitFor(async () => {
    await userEvent.click(button)
    expect(floating(root).length).toBeGreaterThan(0)
  })
}

/** Your reaction floats up at once; Ada's arrives and floats up too; nothing is announced per reaction. */
export const Default: Story = {
  play: async ({ canvasElement, loaded }) => {
    const group = within(canvasElement).getByRole("group", {
      name: "Reactions",
    })
    await expect(within(group).getAllByRole("button")).toHaveLength(6)
    await ready(canvasElement)
    const mine = floating(canvasElement)[0]!
    await expect(mine).toHaveTextContent("👏")
    await expect(mine).toHaveAttribute("data-own", "true")
    // It rises: its transform moves up over time.
    await waitFor(() =>
      expect(new DOMMatrix(getComputedStyle(mine).transform).m42).toBeLessThan(
        -20
      )
    )
    const ada = await connectAs(kitOf({ loaded }), "ada")
    const adaReactions = createRoomReactions(ada.channel(CHANNEL))
    const off = adaReactions.subscribe(() => {})
    await waitFor(() => expect(adaReactions.send("🎉")).toBe(true))
    await waitFor(() =>
      expect(
        floating(canvasElement).some(
          (element) =>
            element.textContent === "🎉" && !element.hasAttribute("data-own")
        )
      ).toBe(true)
    )
    // Decorative: hidden from assistive technology, and no live region.
    await expect(
      canvasElement.querySelector('[data-slot="live-reactions-layer"]')
    ).toHaveAttribute("aria-hidden", "true")
    await expect(canvasElement.querySelector("[aria-live]")).toBeNull()
    off()
  },
}

/** A burst of different reactions spreads across the row. */
export const Burst: Story = {
  args: { showMs: 6000 },
  play: async ({ canvasElement }) => {
    await ready(canvasElement)
    for (const name of ["Send ❤️", "Send 😂", "Send 🎉", "Send 🔥"]) {
      await sleep(200)
      await userEvent.click(within(canvasElement).getByRole("button", { name }))
    }
    await waitFor(() =>
      expect(floating(canvasElement).length).toBeGreaterThanOrEqual(5)
    )
    const lefts = new Set(
      floating(canvasElement).map((element) => element.style.left)
    )
    await expect(lefts.size).toBeGreaterThan(1)
  },
}

/** Reduced motion: a reaction fades in place, nothing rises. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async ({ canvasElement }) => {
    await ready(canvasElement)
    const reaction = floating(canvasElement)[0]!
    await waitFor(() =>
      expect(Number(getComputedStyle(reaction).opacity)).toBeGreaterThan(0.5)
    )
    await sleep(300)
    const transform = getComputedStyle(reaction).transform
    await expect(transform === "none" ? 0 : new DOMMatrix(transform).m42).toBe(
      0
    )
  },
}
