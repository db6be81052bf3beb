"use client"

import * as React from "react"

import type {
  AiChatHelpers,
  AiChatPhase,
  AiChatStatus,
  AiChatUIMessage,
} from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"

interface Tracked {
  /** The status of the previous render: transitions are read against it. */
  status: AiChatStatus
  /** The last message when the chat last settled (ready or error). */
  settledLastId: string | undefined
  /** A request started here (Send, Regenerate, Retry) is running. */
  ownRequest: boolean
  /** The last message when the user pressed Stop: the answer (or question) marked "Stopped". */
  stoppedAfter: string | null
  /** The assistant message last written while this chat was on screen: the one announced. */
  liveAnswerId: string | null
}

const isBusy = (status: AiChatStatus) =>
  status === "submitted" || status === "streaming"

/**
 * The phase of a `useChat` conversation as the block shows it, and the actions behind its buttons.
 *
 * `useChat` has no status of its own for a resume: `useChat({ resume: true })` reconnects with status `submitted` and
 * no new user message. So a request that starts while the last message is the one the chat settled on, and that was
 * not started here (Send, Regenerate, Retry), is read as resuming. `resuming` overrides the guess either way.
 */
export function useAiChatState<M extends AiChatUIMessage>(
  chat: AiChatHelpers<M>,
  resuming: boolean | undefined
) {
  const { messages, status, sendMessage, regenerate, stop } = chat
  const last = messages.at(-1)
  const lastId = last?.id
  const settled = !isBusy(status)
  const [tracked, setTracked] = React.useState<Tracked>(() => ({
    status,
    settledLastId: lastId,
    ownRequest: false,
    stoppedAfter: null,
    liveAnswerId: null,
  }))

  // Adjusted while rendering (React's pattern for state derived from a change), so no frame shows a stale phase.
  const writing =
    status === "streaming" && last?.role === "assistant" ? last.id : null
  if (
    tracked.status !== status ||
    (settled && tracked.settledLastId !== lastId) ||
    (writing !== null && tracked.liveAnswerId !== writing)
  ) {
    const wasBusy = isBusy(tracked.status)
    setTracked({
      status,
      settledLastId: settled ? lastId : tracked.settledLastId,
      ownRequest: settled && wasBusy ? false : tracked.ownRequest,
      // A new request clears the last "Stopped" mark.
      stoppedAfter:
        status === "submitted" && !wasBusy ? null : tracked.stoppedAfter,
      liveAnswerId: writing ?? tracked.liveAnswerId,
    })
  }

  const looksResuming =
    status === "submitted" &&
    !tracked.ownRequest &&
    lastId === tracked.settledLastId
  let phase: AiChatPhase
  if (status === "error") phase = "error"
  else if (status === "streaming") phase = "streaming"
  else if (resuming ?? looksResuming) phase = "resuming"
  else if (status === "submitted") phase = "submitted"
  else phase = messages.length === 0 ? "idle" : "ready"

  const markOwnRequest = React.useCallback(
    () => setTracked((current) => ({ ...current, ownRequest: true })),
    []
  )
  const send = React.useCallback(
    (text: string) => {
      markOwnRequest()
      void sendMessage({ text })
    },
    [markOwnRequest, sendMessage]
  )
  const regenerateLast = React.useCallback(() => {
    markOwnRequest()
    void regenerate()
  }, [markOwnRequest, regenerate])
  const stopAnswer = React.useCallback(() => {
    setTracked((current) => ({ ...current, stoppedAfter: lastId ?? null }))
    void stop()
  }, [lastId, stop])

  return {
    phase,
    busy:
      phase === "submitted" || phase === "resuming" || phase === "streaming",
    stoppedAfter: tracked.stoppedAfter,
    liveAnswerId: tracked.liveAnswerId,
    send,
    regenerate: regenerateLast,
    stop: stopAnswer,
  }
}
