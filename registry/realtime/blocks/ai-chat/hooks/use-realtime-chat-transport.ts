"use client"

import * as React from "react"
import type { UseChatOptions } from "@ai-sdk/react"
import {
  realtimeChatTransport,
  type RealtimeChatTransportOptions,
} from "@realtime-kit/core/ai"
import { useRealtimeClient } from "@realtime-kit/react"

import type { AiChatUIMessage } from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"

/** {@link realtimeChatTransport}'s options, without the client (the provider's is used). */
type UseRealtimeChatTransportOptions = Omit<
  RealtimeChatTransportOptions,
  "client"
>

/** The `transport` option of `useChat`, as `@ai-sdk/react` types it. */
type UseChatTransport<M extends AiChatUIMessage> = NonNullable<
  Exclude<UseChatOptions<M>, { chat: unknown }>["transport"]
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
export function useRealtimeChatTransport<
  M extends AiChatUIMessage = AiChatUIMessage,
>(options: UseRealtimeChatTransportOptions = {}): UseChatTransport<M> {
  const client = useRealtimeClient()
  const latest = React.useRef(options)
  React.useLayoutEffect(() => {
    latest.current = options
  })
  const { api, stopApi, credentials, staleAfterMs, stopOnAbort } = options
  return React.useMemo(() => {
    const transport = realtimeChatTransport({
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
    })
    // Typed with the app's `ai`, while `useChat` checks it against the copy `@ai-sdk/react` pins: when the two differ
    // by a version their ChatTransport types no longer match, though within one major the chunks are the same.
    return transport as unknown as UseChatTransport<M>
  }, [client, api, stopApi, credentials, staleAfterMs, stopOnAbort])
}

export type { UseRealtimeChatTransportOptions }
