/**
 * Shared setup of the CollaborativeEditor stories (collaborative-editor.stories.tsx and
 * collaborative-editor-display.stories.tsx): the story's server and users, the layouts, the queries, peers with a
 * bare Y.Doc, and the meta both files spread. Not a registry item file and not a story file: nothing here ships.
 */
import * as React from "react"
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
import {
  applyTextEdit,
  bindYjsToChannel,
  type YjsChannelBinding,
} from "@realtime-kit/core/yjs"
import { RealtimeProvider } from "@realtime-kit/react"
import type { Meta, StoryContext } from "@storybook/react-vite"
import { expect, waitFor, within } from "storybook/test"
import * as Y from "yjs"

import { Button } from "@/components/ui/button"
import {
  CollaborativeEditor,
  type CollaborativeEditorProps,
} from "@/registry/realtime/components/collaborative-editor"

/*
 * Every story gets its own in-memory server and two users on it: "you" and "ada", each with their own
 * transport (their own client, as in two browsers). Stories render one editor, or both side by side; other
 * peers are real RealtimeClients driven from `play`, some with a bare Y.Doc bound to the channel.
 */
interface Loaded {
  kit: TestTransport
  you: MemoryTransport
  ada: MemoryTransport
}

const loadKit = async (): Promise<Loaded> => {
  const kit = createTestTransport()
  return {
    kit,
    you: kit.createTransport({ userId: "you" }),
    ada: kit.createTransport({ userId: "ada" }),
  }
}

export const loadedOf = (context: Pick<StoryContext, "loaded">) =>
  context.loaded as Loaded

export const CHANNEL = "doc:1"
const YOU = { id: "you", name: "You" }
const ADA = { id: "ada", name: "Ada" }

/** One editor, as "you". */
function Single(props: Partial<CollaborativeEditorProps> & { loaded: Loaded }) {
  const { loaded, ...rest } = props
  return (
    <RealtimeProvider transport={loaded.you}>
      <section aria-label="You" className="max-w-xl">
        <CollaborativeEditor channel={CHANNEL} user={YOU} {...rest} />
      </section>
    </RealtimeProvider>
  )
}

/** "You" and "Ada" side by side, each on their own connection to the same server. */
export function SideBySide({
  loaded,
  adaJoins = true,
  ...rest
}: Partial<CollaborativeEditorProps> & { loaded: Loaded; adaJoins?: boolean }) {
  const [adaHere, setAdaHere] = React.useState(adaJoins)
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <RealtimeProvider transport={loaded.you}>
        <section aria-label="You" className="min-w-0 space-y-2">
          <h3 className="text-sm font-semibold">You</h3>
          <CollaborativeEditor {...rest} channel={CHANNEL} user={YOU} />
        </section>
      </RealtimeProvider>
      <RealtimeProvider transport={loaded.ada}>
        <section aria-label="Ada" className="min-w-0 space-y-2">
          <h3 className="text-sm font-semibold">Ada</h3>
          {adaHere ? (
            <CollaborativeEditor {...rest} channel={CHANNEL} user={ADA} />
          ) : (
            <Button
              onClick={() => setAdaHere(true)}
              variant="outline"
              size="sm"
            >
              Ada opens the document
            </Button>
          )}
        </section>
      </RealtimeProvider>
    </div>
  )
}

export function editorIn(canvasElement: HTMLElement, who: "You" | "Ada") {
  const region = within(canvasElement).getByRole("region", { name: who })
  return {
    region,
    textarea: within(region).getByRole("textbox") as HTMLTextAreaElement,
    status: () =>
      region.querySelector('[data-slot="collaborative-editor-status"]')!,
    people: () =>
      region.querySelector('[data-slot="collaborative-editor-people"]')!,
    count: () =>
      region.querySelector('[data-slot="collaborative-editor-count"]')!,
    carets: () => [
      ...region.querySelectorAll<HTMLElement>(
        '[data-slot="collaborative-editor-caret"]'
      ),
    ],
  }
}

export interface DocPeer {
  client: RealtimeClient
  channel: Channel
  doc: Y.Doc
  text: Y.Text
  binding: YjsChannelBinding
  /** Edits the peer's text as a user would (published like the editor's own edits). */
  edit(index: number, remove: number, insert: string): void
  close(): void
}

/** A peer without a UI: a RealtimeClient, presence, and a Y.Doc bound to the channel with the same binding the editor uses. */
export async function joinWithDoc(
  kit: TestTransport,
  id: string,
  name: string
): Promise<DocPeer> {
  const client = createRealtimeClient({
    transport: kit.createTransport({ userId: id }),
  })
  const channel = client.channel(CHANNEL)
  channel.presence.enter({ id, name })
  const doc = new Y.Doc()
  const text = doc.getText("text")
  const binding = bindYjsToChannel(doc, channel)
  await waitFor(() => expect(binding.getSnapshot().synced).toBe(true), {
    timeout: 4000,
  })
  return {
    client,
    channel,
    doc,
    text,
    binding,
    edit: (index, remove, insert) =>
      applyTextEdit(text, { index, remove, insert }),
    close: () => {
      binding.destroy()
      client.close()
    },
  }
}

/** The meta of both CollaborativeEditor story files, without their `title` and `component` (Storybook reads those statically). */
export const collaborativeEditorMeta = {
  loaders: [loadKit],
  args: {
    channel: CHANNEL,
    user: YOU,
    placeholder: "Write something together…",
  },
  render: (args, { loaded }) => (
    <Single loaded={loadedOf({ loaded })} {...args} />
  ),
} satisfies Meta<typeof CollaborativeEditor>

/** Holds every frame for a minute, so the editor stays "Connecting…"; healed when the story ends. */
export const holdConnecting = ({ loaded }: Pick<StoryContext, "loaded">) => {
  const { kit } = loadedOf({ loaded })
  kit.chaos.delay(60_000)
  return () => kit.chaos.heal()
}
