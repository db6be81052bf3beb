/**
 * Story helpers (not a registry item: nothing here ships). Every story gets a fresh in-memory SSE server
 * and network from `@realtime-kit/core/testing`, so stories drive every state without a backend.
 */
import { createRealtimeClient, type RealtimeClient } from "@realtime-kit/core"
import {
  createTestTransport,
  type MemoryTransport,
  type TestTransport,
} from "@realtime-kit/core/testing"
import { RealtimeProvider } from "@realtime-kit/react"
import type { Decorator, StoryContext } from "@storybook/react-vite"

/** Creates the story's test transport; read it with {@link kitOf}. */
export const testTransportLoader = async (): Promise<{
  kit: TestTransport
}> => ({ kit: createTestTransport() })

/** The story's test transport (from {@link testTransportLoader}). */
export function kitOf(context: Pick<StoryContext, "loaded">): TestTransport {
  const kit = (context.loaded as { kit?: TestTransport }).kit
  if (!kit)
    throw new Error("This story needs `loaders: [testTransportLoader]`.")
  return kit
}

/** Wraps the story in a RealtimeProvider wired to its test transport. */
export const withTestTransport: Decorator = (Story, context) => {
  const kit = kitOf(context)
  return (
    <RealtimeProvider fetch={kit.fetch} network={kit.network}>
      <Story />
    </RealtimeProvider>
  )
}

/** The user id the story's own client connects as under {@link withChannelTransport}. */
const STORY_USER_ID = "you"

const storyTransports = new WeakMap<TestTransport, MemoryTransport>()

/** The transport the story renders with under {@link withChannelTransport}: one per kit, so re-renders keep the client. */
function storyTransportOf(kit: TestTransport): MemoryTransport {
  let transport = storyTransports.get(kit)
  if (!transport) {
    transport = kit.createTransport({ userId: STORY_USER_ID })
    storyTransports.set(kit, transport)
  }
  return transport
}

/**
 * Wraps the story in a RealtimeProvider whose channel transport connects to the story's test server as the user
 * `you` (plus the kit's fetch and network). `play` acts as other users on the same server with {@link connectAs}.
 */
export const withChannelTransport: Decorator = (Story, context) => {
  const kit = kitOf(context)
  return (
    <RealtimeProvider
      transport={storyTransportOf(kit)}
      fetch={kit.fetch}
      network={kit.network}
    >
      <Story />
    </RealtimeProvider>
  )
}

/**
 * Another user on the story's test server (through the same chaos): a client connected as `userId`, open once this
 * resolves. Publish, enter presence, type and mark read with it as that user.
 * @example
 * const ada = await connectAs(kit, 'ada')
 * await ada.channel('room').publish('message', { text: 'hi' })
 */
export async function connectAs(
  kit: TestTransport,
  userId: string
): Promise<RealtimeClient> {
  const client = createRealtimeClient({
    transport: kit.createTransport({ userId }),
  })
  client.connect()
  await new Promise<void>((resolve) => {
    const check = () => {
      if (client.getSnapshot().status !== "open") return false
      off()
      resolve()
      return true
    }
    const off = client.subscribe(() => void check())
    check()
  })
  return client
}

/** Backoff that waits ~8 s, so a "reconnecting" story holds still long enough to show its countdown. */
export const slowBackoff = {
  minMs: 8_000,
  maxMs: 8_000,
  random: () => 0.99,
} as const

/** Resolves after `ms` of real time. */
export const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms))
