"use client"

import * as React from "react"
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from "@tanstack/react-virtual"
import { flushSync } from "react-dom"

type ChatRoomVirtualizerOptions = Omit<
  VirtualizerOptions<HTMLDivElement, Element>,
  | "observeElementRect"
  | "observeElementOffset"
  | "scrollToFn"
  | "onChange"
  | "initialOffset"
>

/**
 * A virtualizer for the room whose changes (a scroll, a row measured) re-render only the list that reads them through
 * {@link useChatRoomVirtualItems}. `useVirtualizer` re-renders the component that owns it, and that is the whole room:
 * header, composer and every hook, on every scrolled frame.
 */
export function useChatRoomVirtualizer(options: ChatRoomVirtualizerOptions) {
  const [owner] = React.useState(() => {
    const listeners = new Set<() => void>()
    let version = 0
    /** Measuring from a ref callback happens inside React's commit, where `flushSync` cannot flush. */
    let measuringFromRef = false
    const onChange = (_: unknown, sync: boolean) => {
      version += 1
      const notify = () => listeners.forEach((listener) => listener())
      // A scroll must show its rows in the frame it happens in, as `useVirtualizer` does.
      if (sync && !measuringFromRef) flushSync(notify)
      else notify()
    }
    const adapters = {
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange,
      // Render the newest rows on the very first render (a chat opens at the bottom), not only once the scroll
      // element has been measured and scrolled a few frames later: the first paint already shows the latest messages.
      initialOffset: (): number =>
        Math.max(
          0,
          virtualizer.getTotalSize() - (options.initialRect?.height ?? 0)
        ),
    }
    const virtualizer: Virtualizer<HTMLDivElement, Element> = new Virtualizer({
      ...options,
      ...adapters,
    })
    const measureElement = virtualizer.measureElement
    virtualizer.measureElement = (node) => {
      measuringFromRef = true
      try {
        measureElement(node)
      } finally {
        measuringFromRef = false
      }
    }
    const changes = {
      subscribe: (listener: () => void) => {
        listeners.add(listener)
        return () => void listeners.delete(listener)
      },
      version: () => version,
    }
    return { virtualizer, changes, adapters }
  })
  owner.virtualizer.setOptions({ ...options, ...owner.adapters })
  React.useLayoutEffect(() => owner.virtualizer._didMount(), [owner])
  React.useLayoutEffect(() => owner.virtualizer._willUpdate())
  return owner
}
