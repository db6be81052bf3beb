"use client"

import * as React from "react"
import { flushSync } from "react-dom"

import {
  ChatRoomRowWindow,
  type ChatRoomRowWindowOptions,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-row-window"

interface ChatRoomVirtualizerOptions extends ChatRoomRowWindowOptions {
  /** The scrolling element, there once the room has mounted. */
  scrollRef: React.RefObject<HTMLElement | null>
}

/**
 * The list's window of rows ({@link ChatRoomRowWindow}), whose changes (a scroll, a row measured) re-render only the
 * list that reads them through `useChatRoomVirtualItems`, not the whole room: header, composer and every hook.
 */
export function useChatRoomVirtualizer({
  scrollRef,
  ...options
}: ChatRoomVirtualizerOptions) {
  const [owner] = React.useState(() => {
    const listeners = new Set<() => void>()
    let version = 0
    const virtualizer = new ChatRoomRowWindow(options, (sync) => {
      version += 1
      const notify = () => listeners.forEach((listener) => listener())
      // A scroll must show its rows in the frame it happens in.
      if (sync) flushSync(notify)
      else notify()
    })
    const changes = {
      subscribe: (listener: () => void) => {
        listeners.add(listener)
        return () => void listeners.delete(listener)
      },
      version: () => version,
    }
    return { virtualizer, changes }
  })
  owner.virtualizer.setOptions(options)
  React.useLayoutEffect(() => {
    const element = scrollRef.current
    return element ? owner.virtualizer.attach(element) : undefined
  }, [owner, scrollRef])
  return owner
}
