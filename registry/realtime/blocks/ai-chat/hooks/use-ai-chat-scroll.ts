"use client"

import * as React from "react"

/** Closer than this to the bottom (px) counts as at the bottom: the view keeps following the answer. */
const FOLLOW_THRESHOLD = 48

/**
 * Keeps the conversation scrolled to the newest words while the reader is at the bottom, and leaves it alone once
 * they scroll up to read something earlier. `pin()` (after sending) brings the view back to the bottom and follows
 * again. The viewport is the shadcn ScrollArea's inside `root`; growth is seen by a ResizeObserver on `content`,
 * so a streaming answer is followed token by token without a scroll per render.
 */
export function useAiChatScroll(
  root: React.RefObject<HTMLElement | null>,
  content: React.RefObject<HTMLElement | null>
) {
  const following = React.useRef(true)
  const viewportOf = React.useCallback(
    () =>
      root.current?.querySelector<HTMLElement>(
        '[data-slot="scroll-area-viewport"]'
      ) ?? null,
    [root]
  )

  React.useEffect(() => {
    const viewport = viewportOf()
    const inner = content.current
    if (!viewport || !inner) return
    const toBottom = () => {
      viewport.scrollTop = viewport.scrollHeight
    }
    // Only a move up (the reader's own) stops following: a scroll event can arrive after more words were added,
    // and then the view is no longer at the very bottom without anyone having scrolled away.
    let lastTop = viewport.scrollTop
    const onScroll = () => {
      const top = viewport.scrollTop
      if (
        viewport.scrollHeight - top - viewport.clientHeight <
        FOLLOW_THRESHOLD
      )
        following.current = true
      else if (top < lastTop) following.current = false
      lastTop = top
    }
    const observer = new ResizeObserver(() => {
      if (following.current) toBottom()
    })
    viewport.addEventListener("scroll", onScroll, { passive: true })
    observer.observe(inner)
    toBottom()
    return () => {
      viewport.removeEventListener("scroll", onScroll)
      observer.disconnect()
    }
  }, [viewportOf, content])

  const pin = React.useCallback(() => {
    following.current = true
    const viewport = viewportOf()
    if (viewport) viewport.scrollTop = viewport.scrollHeight
  }, [viewportOf])

  return { pin }
}
