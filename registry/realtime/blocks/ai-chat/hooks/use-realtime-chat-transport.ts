"use client"

import * as React from "react"
import {
  realtimeChatTransport,
  type RealtimeChatTransportOptions,
} from "@realtime-kit/core/ai"
import { useRealtimeClient } from "@realtime-kit/react"
import type { ChatTransport, UIMessage } from "ai"

/** {@link realtimeChatTransport}'s options, without the client (the provider's is used). */
type UseRealtimeChatTransportOptions = Omit<
  RealtimeChatTransportOptions,
  "client"
>

/**
 * A `ChatTransport` for `useChat` from `@ai-sdk/react` that reads answers through the realtime client of the nearest
 * `<RealtimeProvider>`: an answer survives a page reload (with `useChat({ resume: true })`), a dropped connection or
 * a server function's time limit, a second tab follows it live, and `stop()` stops the model on the server. Your chat
 * route answers with `respondWithChannelStream`, `respondWithActiveStream` and `respondToStop` from
 * `@realtime-kit/server/ai`.
 *
 * The transport is kept across renders; `headers`, `fetch` and `onError` are read when used, so inline functions are
 * fine.
 *
 * @example
 * const transport = useRealtimeChatTransport({ api: "/api/chat" })
 * const chat = useChat({ id: chatId, messages: saved, transport, resume: true })
 * return <AiChat chat={chat} />
 */
export function useRealtimeChatTransport<M extends UIMessage = UIMessage>(
  options: UseRealtimeChatTransportOptions = {}
): ChatTransport<M> {
  const client = useRealtimeClient()
  const latest = React.useRef(options)
  React.useLayoutEffect(() => {
    latest.current = options
  })
  const { api, stopApi, credentials, staleAfterMs, stopOnAbort } = options
  return React.useMemo(
    () =>
      realtimeChatTransport<M>({
        client,
        api,
        stopApi,
        credentials,
        staleAfterMs,
        stopOnAbort,
        headers: () => {
          const headers = latest.current.headers
          return (typeof headers === "function" ? headers() : headers) ?? {}
        },
        fetch: (input, init) =>
          (latest.current.fetch ?? globalThis.fetch)(input, init),
        onError: (error) => (latest.current.onError ?? reportError)(error),
      }),
    [client, api, stopApi, credentials, staleAfterMs, stopOnAbort]
  )
}

export type { UseRealtimeChatTransportOptions }
