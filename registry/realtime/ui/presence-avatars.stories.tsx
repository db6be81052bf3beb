import * as React from "react"
import {
  useChannel,
  usePresence,
  type PresenceMember,
} from "@realtime-kit/react"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { Button } from "@/components/ui/button"
import {
  connectAs,
  kitOf,
  testTransportLoader,
  withChannelTransport,
} from "@/registry/realtime/testing/story-kit"
import {
  PresenceAvatars,
  type PresenceAvatarData,
} from "@/registry/realtime/ui/presence-avatars"

type Member = PresenceMember<PresenceAvatarData>

const member = (
  userId: string,
  name: string,
  status: Member["status"] = "active",
  avatarUrl?: string
): Member => ({
  userId,
  data: avatarUrl ? { name, avatarUrl } : { name },
  connections: 1,
  status,
})

const team: Member[] = [
  member("you", "Sam Rivera"),
  member("ada", "Ada Lovelace"),
  member("grace", "Grace Hopper"),
  member("alan", "Alan Turing"),
  member("barbara", "Barbara Liskov"),
  member("linus", "Linus Torvalds"),
  member("margaret", "Margaret Hamilton"),
  member("ken", "Ken Thompson"),
  member("radia", "Radia Perlman"),
]

const isYou = (candidate: Member) => candidate.userId === "you"

const meta = {
  title: "Realtime/PresenceAvatars",
  component: PresenceAvatars,
  args: { members: team.slice(0, 3), isSelf: isYou, locale: "en-US" },
  argTypes: {
    size: { control: "inline-radio", options: ["sm", "default", "lg"] },
    max: { control: "number" },
  },
} satisfies Meta<typeof PresenceAvatars>

export default meta
type Story = StoryObj<typeof meta>

const avatars = (root: HTMLElement) => [
  ...root.querySelectorAll<HTMLElement>('[data-slot="presence-avatar"]'),
]
/**
 * The tooltip an avatar shows, or null while it shows none. shadcn's tooltip renders in a portal while open and
 * points the avatar's `aria-describedby` at its text.
 */
const tooltipOf = (avatar: HTMLElement) => {
  const describedBy = avatar.getAttribute("aria-describedby")
  const text = describedBy ? document.getElementById(describedBy) : null
  return (
    text?.closest<HTMLElement>('[data-slot="presence-avatar-tooltip"]') ?? null
  )
}

/** Nobody here yet: an empty, labelled group. */
export const Empty: Story = {
  args: { members: [] },
  play: async ({ canvas, canvasElement }) => {
    await expect(
      canvas.getByRole("list", { name: "0 people here" })
    ).toBeInTheDocument()
    await expect(avatars(canvasElement)).toHaveLength(0)
  },
}

/** A few people: you first and marked "(you)", initials on a colour of each user's own. */
export const Members: Story = {
  args: { members: [team[1]!, team[0]!, team[2]!] },
  play: async ({ canvas, canvasElement }) => {
    await expect(
      canvas.getByRole("list", { name: "3 people here" })
    ).toBeInTheDocument()
    const images = canvas.getAllByRole("img")
    await expect(
      images.map((image) => image.getAttribute("aria-label"))
    ).toEqual(["Sam Rivera (you)", "Ada Lovelace", "Grace Hopper"])
    const [you, ada] = avatars(canvasElement)
    await expect(you).toHaveTextContent("SR")
    // Different users, different colours; the same user always gets the same one.
    await expect(getComputedStyle(you!).backgroundColor).not.toBe(
      getComputedStyle(ada!).backgroundColor
    )
  },
}

/** Past `max`, a "+N" chip; its name (and tooltip) lists who is hidden. */
export const ManyMembers: Story = {
  args: { members: team, max: 4 },
  play: async ({ canvas, canvasElement }) => {
    await expect(avatars(canvasElement)).toHaveLength(4)
    const overflow = canvas.getByRole("img", { name: /^5 more:/ })
    await expect(overflow).toHaveTextContent("+5")
    await expect(overflow).toHaveAccessibleName(
      "5 more: Barbara Liskov, Linus Torvalds, Margaret Hamilton, Ken Thompson, and Radia Perlman"
    )
    // Keyboard: every avatar, then the chip, are tab stops; focus shows the tooltip.
    for (let index = 0; index < 5; index += 1) await userEvent.tab()
    await expect(overflow).toHaveFocus()
    const tooltip = await waitFor(() => tooltipOf(overflow)!)
    await waitFor(() =>
      expect(getComputedStyle(tooltip).visibility).toBe("visible")
    )
    await expect(tooltip).toHaveTextContent("Radia Perlman")
    // Escape hides it.
    await userEvent.keyboard("{Escape}")
    await expect(overflow).not.toHaveFocus()
    await waitFor(() => expect(tooltipOf(overflow)).toBeNull())
  },
}

/** "+1" would hide no more than an avatar shows: the last avatar is shown instead. */
export const OneOverMax: Story = {
  args: { members: team.slice(0, 5), max: 4 },
  play: async ({ canvas, canvasElement }) => {
    await expect(avatars(canvasElement)).toHaveLength(5)
    await expect(canvas.queryByRole("img", { name: /more:/ })).toBeNull()
  },
}

/** Idle and away members are dimmed, carry a status dot and say so. */
export const IdleAndAway: Story = {
  args: {
    members: [
      team[0]!,
      member("ada", "Ada Lovelace", "idle"),
      member("grace", "Grace Hopper", "away"),
      team[3]!,
    ],
  },
  play: async ({ canvas }) => {
    const ada = canvas.getByRole("img", { name: "Ada Lovelace, idle" })
    const grace = canvas.getByRole("img", { name: "Grace Hopper, away" })
    await expect(ada).toHaveAttribute("data-status", "idle")
    await expect(grace).toHaveAttribute("data-status", "away")
    await expect(
      ada.querySelector('[data-slot="presence-avatar-status"]')
    ).not.toBeNull()
    await expect(
      canvas
        .getByRole("img", { name: "Alan Turing" })
        .querySelector('[data-slot="presence-avatar-status"]')
    ).toBeNull()
  },
}

/** Hover or focus an avatar to see the name (this checks the keyboard path). */
export const Tooltip: Story = {
  play: async ({ canvas }) => {
    const ada = canvas.getByRole("img", { name: "Ada Lovelace" })
    // Hidden until asked for.
    await expect(tooltipOf(ada)).toBeNull()
    await userEvent.tab()
    const you = canvas.getByRole("img", { name: "Sam Rivera (you)" })
    await expect(you).toHaveFocus()
    await waitFor(() =>
      expect(getComputedStyle(tooltipOf(you)!).visibility).toBe("visible")
    )
    await expect(tooltipOf(you)).toHaveTextContent("Sam Rivera (you)")
    await expect(tooltipOf(ada)).toBeNull()
    await userEvent.tab()
    await expect(ada).toHaveFocus()
    await waitFor(() =>
      expect(tooltipOf(ada)).toHaveTextContent("Ada Lovelace")
    )
    await expect(tooltipOf(you)).toBeNull()
  },
}

/** A picture when there is one; initials when it fails to load. */
export const Pictures: Story = {
  args: {
    members: [
      member(
        "ada",
        "Ada Lovelace",
        "active",
        'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"%3E%3Crect width="8" height="8" fill="%23c084fc"/%3E%3C/svg%3E'
      ),
      member("grace", "Grace Hopper", "active", "/missing-avatar.png"),
    ],
  },
  play: async ({ canvas }) => {
    const ada = canvas.getByRole("img", { name: "Ada Lovelace" })
    const grace = canvas.getByRole("img", { name: "Grace Hopper" })
    // The picture replaces the initials once it has loaded (shadcn's avatar shows the fallback meanwhile).
    await waitFor(() => expect(ada.querySelector("img")).not.toBeNull())
    await waitFor(() => expect(grace.querySelector("img")).toBeNull())
    await expect(grace).toHaveTextContent("GH")
  },
}

/** Joins and leaves are announced once they settle; someone who blips away and back is not. */
export const AnnouncesJoinsAndLeaves: Story = {
  args: { announceDelayMs: 300 },
  render: function Render(args) {
    const [members, setMembers] = React.useState<Member[]>([team[0]!, team[1]!])
    const toggle = (who: Member) =>
      setMembers((current) =>
        current.some((m) => m.userId === who.userId)
          ? current.filter((m) => m.userId !== who.userId)
          : [...current, who]
      )
    return (
      <div className="flex flex-col items-start gap-4">
        <PresenceAvatars {...args} members={members} />
        <div className="flex gap-2">
          {[team[1]!, team[2]!, team[3]!].map((who) => (
            <Button
              key={who.userId}
              onClick={() => toggle(who)}
              variant="outline"
              size="sm"
            >
              Toggle {who.data.name}
            </Button>
          ))}
        </div>
      </div>
    )
  },
  play: async ({ canvas }) => {
    const status = canvas.getByRole("status")
    // Opening the room is not news.
    await new Promise((resolve) => setTimeout(resolve, 500))
    await expect(status).toHaveTextContent("")
    await userEvent.click(
      canvas.getByRole("button", { name: "Toggle Grace Hopper" })
    )
    await userEvent.click(
      canvas.getByRole("button", { name: "Toggle Alan Turing" })
    )
    await waitFor(() =>
      expect(status).toHaveTextContent("Grace Hopper and Alan Turing joined")
    )
    await userEvent.click(
      canvas.getByRole("button", { name: "Toggle Ada Lovelace" })
    )
    await waitFor(() => expect(status).toHaveTextContent("Ada Lovelace left"))
    // Grace flickers: gone and back within the delay. Nothing new is said.
    await userEvent.click(
      canvas.getByRole("button", { name: "Toggle Grace Hopper" })
    )
    await userEvent.click(
      canvas.getByRole("button", { name: "Toggle Grace Hopper" })
    )
    await new Promise((resolve) => setTimeout(resolve, 600))
    await expect(status).toHaveTextContent("Ada Lovelace left")
  },
}

/** Live: watching a channel's presence on the test server, as people enter and go idle. */
export const FromChannel: Story = {
  loaders: [testTransportLoader],
  decorators: [withChannelTransport],
  args: { members: undefined, isSelf: undefined, announceDelayMs: 300 },
  render: function Render(args) {
    const room = useChannel("room:design")
    usePresence(room, { data: { name: "Sam Rivera" } })
    return <PresenceAvatars {...args} channel={room} />
  },
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await waitFor(() =>
      expect(
        canvas.getByRole("img", { name: "Sam Rivera (you)" })
      ).toBeInTheDocument()
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    const ada = await connectAs(kit, "ada")
    const presence = ada.channel("room:design").presence
    presence.enter({ name: "Ada Lovelace" })
    await waitFor(() =>
      expect(
        canvas.getByRole("img", { name: "Ada Lovelace" })
      ).toBeInTheDocument()
    )
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        "Ada Lovelace joined"
      )
    )
    presence.setStatus("away")
    await waitFor(() =>
      expect(
        canvas.getByRole("img", { name: "Ada Lovelace, away" })
      ).toBeInTheDocument()
    )
    ada.close()
  },
}

/** Right to left: the stack starts on the right, Arabic names get Arabic initials. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar",
    members: [
      member("you", "سارة"),
      member("omar", "عمر خالد"),
      member("noa", "נועה כהן"),
      member("lina", "لينا"),
      member("dan", "דן"),
      member("yara", "يارا"),
    ],
    max: 3,
    labels: {
      you: "(أنت)",
      group: (count) => `${count} أشخاص هنا`,
      more: (count, names) => `${count} آخرون: ${names}`,
    },
  },
  play: async ({ canvas, canvasElement }) => {
    const [first, second] = avatars(canvasElement)
    await expect(first).toHaveAccessibleName("سارة (أنت)")
    // The first avatar sits to the right of the second.
    await expect(first!.getBoundingClientRect().left).toBeGreaterThan(
      second!.getBoundingClientRect().left
    )
    await expect(second).toHaveTextContent("عخ")
    await expect(
      canvas.getByRole("img", { name: /^3 آخرون:/ })
    ).toHaveTextContent("+3")
    await expect(within(canvasElement).getByRole("list")).toHaveAccessibleName(
      "6 أشخاص هنا"
    )
  },
}

/** Dark theme: the colours keep their contrast. */
export const Dark: Story = {
  globals: { theme: "dark" },
  args: {
    members: [
      team[0]!,
      team[1]!,
      member("grace", "Grace Hopper", "idle"),
      ...team.slice(3),
    ],
    max: 5,
    size: "lg",
  },
  play: async ({ canvasElement }) => {
    await expect(document.documentElement).toHaveClass("dark")
    await expect(avatars(canvasElement)).toHaveLength(5)
  },
}

/** Sizes. */
export const Sizes: Story = {
  render: (args) => (
    <div className="flex flex-col gap-4">
      <PresenceAvatars {...args} size="sm" members={team} max={6} />
      <PresenceAvatars {...args} members={team} max={6} />
      <PresenceAvatars {...args} size="lg" members={team} max={6} />
    </div>
  ),
  play: async ({ canvasElement }) => {
    const [small, , large] = [
      ...canvasElement.querySelectorAll('[data-slot="presence-avatars"]'),
    ].map(
      (group) =>
        group
          .querySelector('[data-slot="presence-avatar"]')!
          .getBoundingClientRect().width
    )
    await expect(small).toBe(24)
    await expect(large).toBe(40)
  },
}
