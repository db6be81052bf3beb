import type { SSEMessage } from "@realtime-kit/react"

import type {
  StreamingTextErrorEvent,
  StreamingTextEventNames,
} from "@/registry/realtime/components/streaming-text"

/** The text folded from a stream's token events so far. */
export interface Folded {
  /** The messages array this was folded from, and how many of them: lets the next fold read only what is new. */
  messages: readonly SSEMessage<unknown>[]
  text: string
  seen: Set<string>
  done: boolean
  failed: StreamingTextErrorEvent | null
}

export const EMPTY_FOLD: Folded = {
  messages: [],
  text: "",
  seen: new Set(),
  done: false,
  failed: null,
}

/**
 * Folds token events into the text, skipping ids already seen. Incremental: when `messages` only grew since `previous`,
 * just the new ones are read, so a long answer costs the same per frame as a short one.
 */
export function foldTokens(
  previous: Folded,
  messages: readonly SSEMessage<unknown>[],
  names: StreamingTextEventNames
): Folded {
  const grew =
    messages.length >= previous.messages.length &&
    previous.messages.length > 0 &&
    messages[0] === previous.messages[0]
  const start = grew ? previous.messages.length : 0
  const seen = grew ? previous.seen : new Set<string>()
  let text = grew ? previous.text : ""
  let done = grew ? previous.done : false
  let failed = grew ? previous.failed : null
  for (let index = start; index < messages.length; index++) {
    const { event, data, id } = messages[index]!
    if (event === names.token) {
      if (id !== undefined && id !== "") {
        if (seen.has(id)) continue
        seen.add(id)
      }
      const piece =
        typeof data === "string"
          ? data
          : typeof data === "object" && data !== null && "text" in data
            ? data.text
            : ""
      if (typeof piece === "string") text += piece
    } else if (event === names.done) {
      done = true
    } else if (event === names.error) {
      failed =
        typeof data === "object" && data !== null
          ? (data as StreamingTextErrorEvent)
          : {}
    }
  }
  return { messages, text, seen, done, failed }
}
