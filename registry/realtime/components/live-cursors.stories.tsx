import {
  createRealtimeClient,
  type Channel,
  type RealtimeClient,
} from "@realtime-kit/core"
import {
  createTestTransport,
  type MemoryTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import { RealtimeProvider } from "@realtime-kit/react"
import type {
  Decorator,
  Meta,
  StoryContext,
  StoryObj,
} from "@storybook/react-vite"
import { expect, waitFor } from "storybook/test"

import { LiveCursors } from "@/registry/realtime/components/live-cursors"
import { userColor } from "@/registry/realtime/lib/user-color"
import { sleep } from "@/registry/realtime/testing/story-kit"

/*
 * Every story gets its own in-memory server. The component runs as "you"; the others are simulated peers:
 * real RealtimeClients on the same server, driven from `play` (they enter presence and send cursor signals).
 */
interface Loaded {
  kit: TestTransport
  transport: MemoryTransport
}

const loadKit = async (): Promise<Loaded> => {
  const kit = createTestTransport()
  return { kit, transport: kit.createTransport({ userId: "you" }) }
}

function loadedOf(context: Pick<StoryContext, "loaded">): Loaded {
  return context.loaded as Loaded
}

const withProvider: Decorator = (Story, context) => (
  <RealtimeProvider transport={loadedOf(context).transport}>
    <Story />
  </RealtimeProvider>
)

const CHANNEL = "board:1"

interface Peer {
  client: RealtimeClient
  channel: Channel
  move(x: number, y: number): void
  hide(): void
  close(): void
}

/** A second user on the same server: enters presence with their name, then sends cursor signals. */
async function joinAs(
  kit: TestTransport,
  id: string,
  name: string
): Promise<Peer> {
  const client = createRealtimeClient({
    transport: kit.createTransport({ userId: id }),
  })
  const channel = client.channel(CHANNEL)
  channel.presence.enter({ id, name })
  await waitFor(() => expect(channel.getSnapshot().subscribed).toBe(true))
  return {
    client,
    channel,
    move: (x, y) => void expect(channel.signal("cursor", { x, y })).toBe(true),
    hide: () => void channel.signal("cursor", null),
    close: () => client.close(),
  }
}

const cursorOf = (root: HTMLElement, userId: string) =>
  root.querySelector<HTMLElement>(
    `[data-slot="live-cursor"][data-user-id="${userId}"]`
  )

function Surface() {
  return (
    <div className="grid h-full place-items-center p-6 text-center">
      <div className="space-y-1">
        <p className="text-sm font-medium">Sprint board</p>
        <p className="text-xs text-muted-foreground">
          Move your pointer here: the others see it.
        </p>
      </div>
    </div>
  )
}

const meta = {
  title: "Realtime/LiveCursors",
  component: LiveCursors,
  loaders: [loadKit],
  decorators: [withProvider],
  args: {
    channel: CHANNEL,
    user: { id: "you", name: "You" },
    className: "h-72 w-full max-w-xl rounded-xl border bg-muted/30",
    children: <Surface />,
  },
} satisfies Meta<typeof LiveCursors>

export default meta
type Story = StoryObj<typeof meta>

/** Nobody else here: no cursors, nothing announced, the surface renders as is. */
export const Alone: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    await waitFor(() =>
      expect(
        kit.server.presence(CHANNEL).map((member) => member.userId)
      ).toEqual(["you"])
    )
    await expect(canvas.getByText("Sprint board")).toBeVisible()
    const layer = canvasElement.querySelector(
      '[data-slot="live-cursors-layer"]'
    )
    await expect(layer).toHaveAttribute("aria-hidden", "true")
    await expect(getComputedStyle(layer!).pointerEvents).toBe("none")
    await expect(
      canvasElement.querySelectorAll('[data-slot="live-cursor"]')
    ).toHaveLength(0)
    await expect(canvas.getByRole("status")).toHaveTextContent(/^$/)
  },
}

/** A peer's signals move their cursor: an arrow and name tag in their colour, positioned by fraction of the surface. */
export const PeerMoves: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    try {
      await waitFor(() =>
        expect(canvas.getByRole("status")).toHaveTextContent("Ada is here")
      )
      ada.move(0.25, 0.5)
      const cursor = await waitFor(() => {
        const element = cursorOf(canvasElement, "ada")
        expect(element).not.toBeNull()
        return element!
      })
      await expect(cursor.style.transform).toBe("translate(25%, 50%)")
      await expect(cursor).toHaveTextContent("Ada")
      // Stable colour from the id, the same on every screen.
      await expect(cursor.querySelector("svg")!.style.fill).toBe(
        userColor("ada").solid
      )
      ada.move(0.75, 0.2)
      await waitFor(() =>
        expect(cursor.style.transform).toBe("translate(75%, 20%)")
      )
      // It glides (a transition on transform) rather than jumping.
      await expect(getComputedStyle(cursor).transitionProperty).toContain(
        "transform"
      )
      await expect(
        parseFloat(getComputedStyle(cursor).transitionDuration)
      ).toBeGreaterThan(0)
    } finally {
      ada.close()
    }
  },
}

/** Positions are fractions, so a cursor lands on the same spot of a surface of any size. */
export const NormalisedPositions: Story = {
  globals: { reducedMotion: "reduce" },
  args: { className: "h-60 w-[480px] rounded-xl border bg-muted/30" },
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    try {
      ada.move(0.5, 0.25)
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).not.toBeNull())
      const surface = canvasElement
        .querySelector<HTMLElement>('[data-slot="live-cursors"]')!
        .getBoundingClientRect()
      const arrow = cursorOf(canvasElement, "ada")!
        .querySelector("svg")!
        .getBoundingClientRect()
      // The arrow's tip (its top-left corner, 1px stroke aside) sits at 50% × 25% of the surface.
      await expect(
        Math.abs(arrow.left + 1 - (surface.left + surface.width * 0.5))
      ).toBeLessThanOrEqual(2)
      await expect(
        Math.abs(arrow.top + 1 - (surface.top + surface.height * 0.25))
      ).toBeLessThanOrEqual(2)
    } finally {
      ada.close()
    }
  },
}

/** The peer's pointer left the surface: their cursor hides at once, and comes back where they re-enter. */
export const PeerPointerLeaves: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    try {
      ada.move(0.4, 0.4)
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).not.toBeNull())
      ada.hide()
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).toBeNull())
      ada.move(0.6, 0.6)
      await waitFor(() =>
        expect(cursorOf(canvasElement, "ada")?.style.transform).toBe(
          "translate(60%, 60%)"
        )
      )
    } finally {
      ada.close()
    }
  },
}

/** The peer leaves the channel (closes the tab): their cursor and name go with them. */
export const PeerLeaves: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    const grace = await joinAs(kit, "grace", "Grace")
    try {
      ada.move(0.3, 0.3)
      grace.move(0.6, 0.6)
      await waitFor(() =>
        expect(
          canvasElement.querySelectorAll('[data-slot="live-cursor"]')
        ).toHaveLength(2)
      )
      await expect(canvas.getByRole("status")).toHaveTextContent(
        "Ada and Grace are here"
      )
      ada.channel.presence.leave()
      // After the client's presence grace period (3 s), so a reconnect does not flicker.
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).toBeNull(), {
        timeout: 6000,
      })
      await expect(cursorOf(canvasElement, "grace")).not.toBeNull()
      await expect(canvas.getByRole("status")).toHaveTextContent(
        "Grace is here"
      )
    } finally {
      ada.close()
      grace.close()
    }
  },
}

/** A peer that goes silent (a frozen tab, a lost connection) is dropped after `timeoutMs`. */
export const SilentPeerTimesOut: Story = {
  args: { timeoutMs: 1000 },
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    try {
      ada.move(0.5, 0.5)
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).not.toBeNull())
      await sleep(400)
      await expect(cursorOf(canvasElement, "ada")).not.toBeNull()
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).toBeNull(), {
        timeout: 3000,
      })
    } finally {
      ada.close()
    }
  },
}

/** Your pointer goes out as signals: normalised to the surface, throttled, and `null` when you leave it. */
export const SendsYourPointer: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    const received: unknown[] = []
    const off = ada.channel.onSignal("cursor", (signal) => {
      if (signal.from === "you") received.push(signal.data)
    })
    try {
      const surface = canvasElement.querySelector<HTMLElement>(
        '[data-slot="live-cursors"]'
      )!
      const rect = surface.getBoundingClientRect()
      // Forty pointer events in a burst…
      for (let step = 0; step <= 40; step++) {
        const x = rect.left + rect.width * (0.1 + step * 0.01)
        surface.dispatchEvent(
          new PointerEvent("pointermove", {
            bubbles: true,
            clientX: x,
            clientY: rect.top + rect.height / 2,
          })
        )
      }
      await waitFor(() => expect(received.length).toBeGreaterThan(0))
      await sleep(150)
      // …go out as one or two signals, the last one the latest position, as fractions of the surface.
      await expect(received.length).toBeLessThanOrEqual(2)
      const last = received.at(-1) as { x: number; y: number }
      await expect(last.x).toBeCloseTo(0.5, 2)
      await expect(last.y).toBeCloseTo(0.5, 2)
      // Leaving the surface hides you at once.
      surface.dispatchEvent(
        new PointerEvent("pointerout", {
          bubbles: true,
          relatedTarget: document.body,
        })
      )
      await waitFor(() => expect(received.at(-1)).toBeNull())
    } finally {
      off()
      ada.close()
    }
  },
}

/** Your connection drops: the cursors you see would only go stale, so they clear at once; they come back with the next moves. */
export const ConnectionDrops: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    try {
      ada.move(0.3, 0.3)
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).not.toBeNull())
      kit.chaos.disconnect()
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).toBeNull())
      kit.chaos.reconnect()
      await waitFor(() =>
        expect(ada.channel.getSnapshot().subscribed).toBe(true)
      )
      await waitFor(() => {
        ada.move(0.6, 0.4)
        expect(cursorOf(canvasElement, "ada")?.style.transform).toBe(
          "translate(60%, 40%)"
        )
      })
    } finally {
      ada.close()
    }
  },
}

const crowd = [
  ["ada", "Ada"],
  ["grace", "Grace"],
  ["linus", "Linus"],
  ["margaret", "Margaret"],
  ["alan", "Alan"],
  ["barbara", "Barbara"],
  ["ken", "Ken"],
  ["radia", "Radia Perlman-Smith, Network Engineering"],
] as const

/** Eight people at once, including a very long name (truncated) and one near the edges (tags flip inwards). */
export const ManyPeople: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const peers = await Promise.all(
      crowd.map(([id, name]) => joinAs(kit, id, name))
    )
    try {
      peers.forEach((peer, index) =>
        peer.move(
          index === 7 ? 0.95 : 0.08 + index * 0.12,
          index === 7 ? 0.95 : 0.15 + (index % 4) * 0.2
        )
      )
      await waitFor(() =>
        expect(
          canvasElement.querySelectorAll('[data-slot="live-cursor"]')
        ).toHaveLength(8)
      )
      await waitFor(() =>
        expect(canvas.getByRole("status")).toHaveTextContent(
          "Ada, Grace, Linus, Margaret, Alan, Barbara, Ken, and Radia Perlman-Smith, Network Engineering are here"
        )
      )
      const colors = new Set(
        [
          ...canvasElement.querySelectorAll<SVGElement>(
            '[data-slot="live-cursor"] svg'
          ),
        ].map((svg) => svg.style.fill)
      )
      await expect(colors.size).toBeGreaterThanOrEqual(6)
      // The tag of the cursor in the bottom-right corner stays inside the surface.
      await sleep(300)
      const surface = canvasElement
        .querySelector('[data-slot="live-cursors"]')!
        .getBoundingClientRect()
      const tag = cursorOf(canvasElement, "radia")!
        .querySelector('[data-slot="live-cursor-name"]')!
        .getBoundingClientRect()
      await expect(tag.right).toBeLessThanOrEqual(surface.right)
      await expect(tag.bottom).toBeLessThanOrEqual(surface.bottom)
    } finally {
      peers.forEach((peer) => peer.close())
    }
  },
}

/** With reduced motion, cursors jump to each position instead of gliding. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const ada = await joinAs(kit, "ada", "Ada")
    try {
      ada.move(0.2, 0.2)
      await waitFor(() => expect(cursorOf(canvasElement, "ada")).not.toBeNull())
      await expect(
        getComputedStyle(cursorOf(canvasElement, "ada")!).transitionDuration
      ).toBe("0s")
    } finally {
      ada.close()
    }
  },
}

/** Dark theme: the same colours carry on a dark surface (white outline on the arrow, white text on the tag). */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async ({ canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const peers = await Promise.all(
      crowd.slice(0, 3).map(([id, name]) => joinAs(kit, id, name))
    )
    try {
      peers.forEach((peer, index) =>
        peer.move(0.15 + index * 0.28, 0.3 + index * 0.15)
      )
      await waitFor(() =>
        expect(
          canvasElement.querySelectorAll('[data-slot="live-cursor"]')
        ).toHaveLength(3)
      )
      await expect(document.documentElement).toHaveClass("dark")
    } finally {
      peers.forEach((peer) => peer.close())
    }
  },
}

/** Right-to-left page: positions are physical (the same spot for everyone), names in Arabic. */
export const RightToLeft: Story = {
  globals: { direction: "rtl", reducedMotion: "reduce" },
  args: { locale: "ar", formatHere: (_names, list) => `${list} هنا` },
  play: async ({ canvas, canvasElement, loaded }) => {
    const { kit } = loadedOf({ loaded })
    const layla = await joinAs(kit, "layla", "ليلى")
    const omar = await joinAs(kit, "omar", "عمر")
    try {
      layla.move(0.25, 0.4)
      omar.move(0.7, 0.6)
      await waitFor(() =>
        expect(canvas.getByRole("status")).toHaveTextContent("ليلى وعمر هنا")
      )
      await waitFor(() =>
        expect(cursorOf(canvasElement, "layla")).not.toBeNull()
      )
      const surface = canvasElement
        .querySelector('[data-slot="live-cursors"]')!
        .getBoundingClientRect()
      const arrow = cursorOf(canvasElement, "layla")!
        .querySelector("svg")!
        .getBoundingClientRect()
      await expect(
        Math.abs(arrow.left + 1 - (surface.left + surface.width * 0.25))
      ).toBeLessThanOrEqual(2)
    } finally {
      layla.close()
      omar.close()
    }
  },
}
