import * as React from "react"
import { createTypingIndicator } from "@realtime-kit/core"
import { useChannel, usePresence } from "@realtime-kit/react"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor } from "storybook/test"

import { Button } from "@/components/ui/button"
import {
  connectAs,
  kitOf,
  testTransportLoader,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"
import { TypingIndicator } from "@/registry/realtime/ui/typing-indicator"

const people: Record<string, string> = {
  ada: "Ada",
  grace: "Grace",
  linus: "Linus",
  alan: "Alan",
  barbara: "Barbara",
}

const meta = {
  title: "Realtime/TypingIndicator",
  component: TypingIndicator,
  args: {
    typing: ["ada"],
    getName: (id: string) => people[id],
    locale: "en-US",
  },
} satisfies Meta<typeof TypingIndicator>

export default meta
type Story = StoryObj<typeof meta>

const dotsOf = (root: HTMLElement) =>
  root.querySelector<HTMLElement>('[data-slot="typing-indicator-dots"]')!

/** Nobody types: the line stays, empty and invisible, so nothing below it moves. */
export const Nobody: Story = {
  args: { typing: [] },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("")
    const root = canvasElement.querySelector<HTMLElement>(
      '[data-slot="typing-indicator"]'
    )!
    await expect(root).toHaveAttribute("data-state", "idle")
    await expect(root.getBoundingClientRect().height).toBe(20)
    await expect(getComputedStyle(dotsOf(canvasElement)).visibility).toBe(
      "hidden"
    )
  },
}

/** One person. */
export const One: Story = {
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("Ada is typing…")
    await expect(canvas.getByRole("status")).toHaveAttribute(
      "aria-live",
      "polite"
    )
    // The dots animate (unless the user prefers reduced motion).
    const dot = dotsOf(canvasElement).firstElementChild!
    await expect(getComputedStyle(dot).animationName).not.toBe("none")
  },
}

/** Two people, joined in the locale's way. */
export const Two: Story = {
  args: { typing: ["ada", "grace"] },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Ada and Grace are typing…"
    )
  },
}

/** Three are all named. */
export const Three: Story = {
  args: { typing: ["ada", "grace", "linus"] },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Ada, Grace, and Linus are typing…"
    )
  },
}

/** Many: two names and a count. */
export const Many: Story = {
  args: { typing: ["ada", "grace", "linus", "alan", "barbara"] },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Ada, Grace, and 3 others are typing…"
    )
  },
}

/** Translated: the list follows the locale (German "und"), the words come from `labels`. */
export const German: Story = {
  args: {
    typing: ["ada", "grace", "linus", "alan"],
    locale: "de-DE",
    labels: {
      typing: (names, count) =>
        `${names} ${count === 1 ? "tippt" : "tippen"} …`,
      others: (count) => `${count} weitere`,
    },
  },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Ada, Grace und 2 weitere tippen …"
    )
  },
}

/** Appearing and disappearing does not move what follows. */
export const NoLayoutShift: Story = {
  render: function Render(args) {
    const [typing, setTyping] = React.useState<string[]>([])
    return (
      <div className="w-72">
        <TypingIndicator {...args} typing={typing} />
        <Button
          className="mt-1"
          onClick={() =>
            setTyping((current) =>
              current.length === 0 ? ["ada", "grace"] : []
            )
          }
          variant="outline"
          size="sm"
        >
          Toggle
        </Button>
      </div>
    )
  },
  play: async ({ canvas }) => {
    const button = canvas.getByRole("button", { name: "Toggle" })
    const before = button.getBoundingClientRect().top
    await userEvent.click(button)
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Ada and Grace are typing…"
    )
    await expect(button.getBoundingClientRect().top).toBe(before)
    await userEvent.click(button)
    await expect(canvas.getByRole("status")).toHaveTextContent("")
    await expect(button.getBoundingClientRect().top).toBe(before)
  },
}

/** Long names in a narrow space truncate on one line. */
export const LongNames: Story = {
  args: {
    typing: ["ada", "grace"],
    getName: (id: string) =>
      id === "ada"
        ? "Augusta Ada King, Countess of Lovelace"
        : "Rear Admiral Grace Brewster Murray Hopper",
    className: "w-56",
  },
  play: async ({ canvas }) => {
    const status = canvas.getByRole("status")
    await expect(status).toHaveTextContent(/are typing…$/)
    await expect(status.getBoundingClientRect().height).toBeLessThanOrEqual(20)
    await expect(status.scrollWidth).toBeGreaterThan(status.clientWidth)
  },
}

/** Live: others type on the channel; names come from their presence. Stops when they stop (or after 5 s of silence). */
export const FromChannel: Story = {
  loaders: [testTransportLoader],
  decorators: [withChannelTransport],
  args: { typing: undefined, getName: undefined },
  render: function Render(args) {
    const room = useChannel("room:typing")
    usePresence(room, { data: { name: "Sam" } })
    return <TypingIndicator {...args} channel={room} />
  },
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    const ada = await connectAs(kit, "ada")
    const grace = await connectAs(kit, "grace")
    ada.channel("room:typing").presence.enter({ name: "Ada Lovelace" })
    grace.channel("room:typing").presence.enter({ name: "Grace Hopper" })
    await waitFor(() =>
      expect(kit.server.presence("room:typing")).toHaveLength(3)
    )
    const adaTyping = createTypingIndicator(ada.channel("room:typing"))
    const graceTyping = createTypingIndicator(grace.channel("room:typing"))
    adaTyping.keystroke()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        "Ada Lovelace is typing…"
      )
    )
    graceTyping.keystroke()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        "Ada Lovelace and Grace Hopper are typing…"
      )
    )
    adaTyping.stop()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        "Grace Hopper is typing…"
      )
    )
    graceTyping.stop()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("")
    )
    ada.close()
    grace.close()
  },
}

/** Right to left, Arabic. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    typing: ["omar", "lina", "noa"],
    getName: (id: string) => ({ omar: "عمر", lina: "لينا", noa: "نوعا" })[id],
    locale: "ar",
    labels: {
      typing: (names) => `${names} يكتبون…`,
      others: (count) => `${count} آخرين`,
    },
  },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "عمر ولينا ونوعا يكتبون…"
    )
    // The dots lead on the right.
    const dots = dotsOf(canvasElement).getBoundingClientRect()
    await expect(dots.left).toBeGreaterThan(
      canvas.getByRole("status").getBoundingClientRect().left
    )
  },
}

/** Dark theme. */
export const Dark: Story = {
  globals: { theme: "dark" },
  args: { typing: ["ada", "grace"] },
  play: async ({ canvas }) => {
    await expect(document.documentElement).toHaveClass("dark")
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Ada and Grace are typing…"
    )
  },
}

/** Reduced motion: the dots hold still. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async ({ canvasElement }) => {
    const dot = dotsOf(canvasElement).firstElementChild!
    await expect(getComputedStyle(dot).animationName).toBe("none")
  },
}
