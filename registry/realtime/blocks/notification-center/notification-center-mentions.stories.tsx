import type { RealtimeClient } from "@realtime-kit/core"
import {
  createTestTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import { RealtimeProvider } from "@realtime-kit/react"
import type {
  Decorator,
  Meta,
  StoryContext,
  StoryObj,
} from "@storybook/react-vite"
import { expect, userEvent, waitFor, within } from "storybook/test"

import { NotificationCenter } from "@/registry/realtime/blocks/notification-center/notification-center"
import {
  CHAT_MENTION_SIGNAL,
  type ChatMentionSignal,
} from "@/registry/realtime/lib/chat-mention-signal"
import { connectAs, sleep } from "@/registry/realtime/testing/story-kit"

/*
 * Mentions from chat rooms: Ada's chat room sends the `chat:mention` signal (as the chat-room block does when she
 * sends "@Sam Rivera …"), and the notification center listening on that room lists it for you.
 */
const ROOM = "room:launch"

interface Loaded {
  kit: TestTransport
  ada: RealtimeClient
  /** Resolves once the server has the block's subscription to the room: a signal before it reaches nobody. */
  listening: () => Promise<void>
}

const mentionLoader = async (): Promise<Loaded> => {
  let subscribes = 0
  const kit = createTestTransport({
    hub: {
      admit: (_session, frame) => {
        if (frame.type === "subscribe" && frame.channel === ROOM) subscribes++
        return null
      },
    },
  })
  const ada = await connectAs(kit, "ada")
  return {
    kit,
    ada,
    listening: async () => {
      await waitFor(() => expect(subscribes).toBeGreaterThan(0))
      // The hub registers the subscription right after admitting it.
      await sleep(10)
    },
  }
}

const loadedOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as unknown as Loaded

const withUser: Decorator = (Story, context) => {
  const { kit } = loadedOf(context)
  return (
    <RealtimeProvider
      transport={kit.createTransport({ userId: "you" })}
      network={kit.network}
    >
      <div className="flex min-h-[24rem] items-start justify-end">
        <Story />
      </div>
    </RealtimeProvider>
  )
}

const meta = {
  title: "Realtime/NotificationCenter/Mentions",
  component: NotificationCenter,
  loaders: [mentionLoader],
  decorators: [withUser],
  args: {
    channel: "notifications:you",
    mentionChannels: [ROOM],
    userId: "you",
    locale: "en-US",
    toasts: false,
    desktop: false,
  },
} satisfies Meta<typeof NotificationCenter>

export default meta
type Story = StoryObj<typeof meta>

const mention = (fields: Partial<ChatMentionSignal>): ChatMentionSignal => ({
  to: ["you"],
  from: { id: "ada", name: "Ada Lovelace" },
  room: "Launch room",
  excerpt: "@Sam Rivera can you check the status page copy?",
  key: "m-1",
  sentAt: Date.now(),
  ...fields,
})

/** Ada mentions you in the launch room: "Ada Lovelace mentioned you in Launch room", with the message's start. */
export const Mentioned: Story = {
  play: async (context) => {
    const { canvasElement } = context
    const { ada, listening } = loadedOf(context)
    await listening()
    const room = ada.channel(ROOM)
    // Not for you, and one claiming to be from Grace: neither shows.
    room.signal(CHAT_MENTION_SIGNAL, mention({ to: ["grace"], key: "m-0" }))
    room.signal(
      CHAT_MENTION_SIGNAL,
      mention({ from: { id: "grace", name: "Grace Hopper" }, key: "m-x" })
    )
    room.signal(CHAT_MENTION_SIGNAL, mention({}))
    // The same message's signal twice (a resend) shows once.
    room.signal(CHAT_MENTION_SIGNAL, mention({}))
    const bell = await waitFor(() =>
      within(canvasElement).getByRole("button", {
        name: "Notifications, 1 unread",
      })
    )
    await userEvent.click(bell)
    const panel = await waitFor(() =>
      within(document.body).getByRole("dialog", { name: "Notifications" })
    )
    const items = panel.querySelectorAll(
      '[data-slot="notification-center-item"]'
    )
    await expect(items).toHaveLength(1)
    await expect(items[0]).toHaveTextContent(
      "Ada Lovelace mentioned you in Launch room"
    )
    await expect(items[0]).toHaveTextContent(
      "@Sam Rivera can you check the status page copy?"
    )
    await expect(panel).not.toHaveTextContent("Grace Hopper")
  },
}
