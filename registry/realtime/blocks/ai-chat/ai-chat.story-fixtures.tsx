/**
 * Shared setup of the AiChat stories (ai-chat.stories.tsx and ai-chat-parts.stories.tsx): a scripted `ChatTransport`
 * that streams UI message chunks at a pace and records aborts (the stories' stand-in for a server and a model), the
 * `useChat` wiring a user writes, conversations, and the queries the `play` functions use. Nothing here ships.
 */
import type { ComponentType } from "react"
import { useChat } from "@ai-sdk/react"
import type { Meta, StoryContext } from "@storybook/react-vite"
import type { ChatTransport, UIMessage, UIMessageChunk } from "ai"
import { expect, waitFor, within } from "storybook/test"

import {
  AiChat,
  type AiChatProps,
} from "@/registry/realtime/blocks/ai-chat/ai-chat"

/** One answer as the scripted transport streams it. */
export interface ScriptedAnswer {
  chunks: UIMessageChunk[]
  /** Between chunks, in ms. Default 25. */
  delayMs?: number
  /** Wait before chunk `holdAt` until `release()` (or Stop). */
  holdAt?: number
  /** Fail the request with this message instead of answering. */
  fail?: string
}

/** What a story's transport does: the answers to send, in order (the last repeats), and the one to resume. */
export interface ChatScript {
  answers?: ScriptedAnswer[]
  /** What `useChat({ resume: true })` finds on the "server"; none by default. */
  resume?: ScriptedAnswer
}

export interface ScriptedTransport extends ChatTransport<UIMessage> {
  /** The requests made, in order. */
  readonly requests: { trigger: string; messages: UIMessage[] }[]
  /** How many answers were aborted by Stop. */
  readonly aborts: number
  /** Lets every held answer go on. */
  release(): void
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener("abort", () => {
      clearTimeout(timer)
      resolve()
    })
  })

/** A `ChatTransport` that plays `script`: what a chat route and a model would stream, without either. */
export function scriptedTransport(script: ChatScript = {}): ScriptedTransport {
  const requests: ScriptedTransport["requests"] = []
  let aborts = 0
  let releaseHeld = () => {}
  const held = new Promise<void>((resolve) => (releaseHeld = resolve))

  function play(answer: ScriptedAnswer, signal: AbortSignal | undefined) {
    return new ReadableStream<UIMessageChunk>({
      async start(controller) {
        const aborted = () => signal?.aborted === true
        signal?.addEventListener("abort", () => (aborts += 1), { once: true })
        for (const [index, chunk] of answer.chunks.entries()) {
          if (index === answer.holdAt)
            await Promise.race([held, sleep(60_000, signal)])
          await sleep(answer.delayMs ?? 25, signal)
          if (aborted()) break
          controller.enqueue(chunk)
        }
        controller.close()
      },
    })
  }

  const answers = script.answers ?? [{ chunks: answerChunks(ANSWERS[0]!) }]
  return {
    requests,
    get aborts() {
      return aborts
    },
    release: () => releaseHeld(),
    async sendMessages({ trigger, messages, abortSignal }) {
      const answer = answers[Math.min(requests.length, answers.length - 1)]!
      requests.push({ trigger, messages })
      if (answer.fail) {
        await sleep(50)
        throw new Error(answer.fail)
      }
      return play(answer, abortSignal)
    },
    async reconnectToStream({ abortSignal }) {
      return script.resume ? play(script.resume, abortSignal) : null
    },
  }
}

/** The words of `text`, each with the spaces after it: the deltas a model streams. */
export const wordsOf = (text: string) => text.match(/\S+\s*/g) ?? []

/** An answer's chunks: start, optional reasoning, the text word by word, finish. */
export function answerChunks(
  text: string,
  options: { messageId?: string; reasoning?: string } = {}
): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [
    { type: "start", messageId: options.messageId },
  ]
  if (options.reasoning) {
    chunks.push({ type: "reasoning-start", id: "r1" })
    for (const delta of wordsOf(options.reasoning))
      chunks.push({ type: "reasoning-delta", id: "r1", delta })
    chunks.push({ type: "reasoning-end", id: "r1" })
  }
  chunks.push({ type: "text-start", id: "t1" })
  for (const delta of wordsOf(text))
    chunks.push({ type: "text-delta", id: "t1", delta })
  chunks.push({ type: "text-end", id: "t1" }, { type: "finish" })
  return chunks
}

export const QUESTIONS = [
  "How does the chat survive a page reload?",
  "What happens when I press Stop?",
  "Can a second tab follow the same answer?",
  "Where are finished answers kept?",
]

export const ANSWERS = [
  "The answer is written to a realtime channel as it is generated. After a reload the page asks the chat route which answer is in progress and replays it from its first chunk, so the text is whole: nothing repeated, nothing missing.",
  "Stop aborts the request in the browser and sends a stop to the chat route. Whichever server runs the model hears it and aborts the model call, so you stop paying for tokens nobody reads.",
  "Yes. Every tab that opens the chat follows the same channel, so a second tab shows the answer word for word as the first one does.",
  "When an answer ends, the whole message is published once on the chat channel. Late readers get one message instead of thousands of token chunks.",
]

export const userText = (id: string, text: string): UIMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
})

export const assistantText = (id: string, text: string): UIMessage => ({
  id,
  role: "assistant",
  parts: [{ type: "text", text, state: "done" }],
})

/** `exchanges` questions and answers, oldest first; ids `u-1`, `a-1`… */
export function conversation(exchanges: number): UIMessage[] {
  return Array.from({ length: exchanges }, (_, index) => [
    userText(`u-${index + 1}`, QUESTIONS[index % QUESTIONS.length]!),
    assistantText(`a-${index + 1}`, ANSWERS[index % ANSWERS.length]!),
  ]).flat()
}

type ScriptedChatProps = Omit<AiChatProps, "chat"> & {
  transport: ChatTransport<UIMessage>
  /** The saved conversation the page starts with. */
  initialMessages?: UIMessage[]
  /** `useChat({ resume: true })`: pick up an answer in progress on mount. */
  resume?: boolean
}

/** What a user writes: `useChat` from `@ai-sdk/react` with a transport, its result passed to `<AiChat chat={…} />`. */
export function ScriptedChat({
  transport,
  initialMessages,
  resume = false,
  ...props
}: ScriptedChatProps) {
  const chat = useChat({
    id: "story-chat",
    messages: initialMessages,
    transport,
    resume,
  })
  return <AiChat chat={chat} {...props} />
}

/** The story's transport (built from `parameters.script` by the meta's loader). */
export function transportOf(
  context: Pick<StoryContext, "loaded">
): ScriptedTransport {
  const transport = (context.loaded as { transport?: ScriptedTransport })
    .transport
  if (!transport) throw new Error("This story needs aiChatMeta's loader.")
  return transport
}

type AiChatStoryArgs = Omit<ScriptedChatProps, "transport">

export const aiChatMeta = {
  // The docs document AiChat; a story's args are its props but `chat`, which `render` makes with `useChat`.
  component: AiChat as ComponentType<AiChatStoryArgs>,
  loaders: [
    (context: StoryContext) => ({
      transport: scriptedTransport(context.parameters.script as ChatScript),
    }),
  ],
  render: (args, context) => (
    <ScriptedChat transport={transportOf(context)} {...args} />
  ),
  args: { locale: "en-US", className: "h-[30rem] max-w-2xl" },
} satisfies Meta<AiChatStoryArgs>

export const rootOf = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>('[data-slot="ai-chat"]')!
export const logOf = (canvasElement: HTMLElement) =>
  within(canvasElement).getByRole("log", { name: "Conversation" })
export const composerOf = (canvasElement: HTMLElement) =>
  within(canvasElement).getByRole("textbox", { name: "Message" })
export const messagesOf = (canvasElement: HTMLElement) => [
  ...canvasElement.querySelectorAll<HTMLElement>(
    '[data-slot="ai-chat-message"]'
  ),
]
export const caretOf = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>('[data-slot="ai-chat-caret"]')
export const announcerOf = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>('[data-slot="ai-chat-announcer"]')!

/** The text of the last answer on screen ("" when there is none). */
export function lastAnswerText(canvasElement: HTMLElement): string {
  const answers = canvasElement.querySelectorAll<HTMLElement>(
    '[data-slot="ai-chat-message"][data-role="assistant"]'
  )
  const last = answers[answers.length - 1]
  return [...(last?.querySelectorAll('[data-slot="ai-chat-text"]') ?? [])]
    .map((element) => element.textContent ?? "")
    .join("")
}

/** Waits until the last answer on screen is `text` (a whole answer streams in for a second or two). */
export const answerIs = (canvasElement: HTMLElement, text: string) =>
  waitFor(() => expect(lastAnswerText(canvasElement)).toBe(text), {
    timeout: 8000,
  })

/** Waits until the chat shows `phase` (its `data-state`). */
export const phaseIs = (canvasElement: HTMLElement, phase: string) =>
  waitFor(
    () => expect(rootOf(canvasElement)).toHaveAttribute("data-state", phase),
    { timeout: 5000 }
  )

export type { AiChatStoryArgs }
