"use client"

import * as React from "react"

/**
 * Whether a message shows its toolbar: while it is hovered, while focus is in it (a row is focusable, so the keyboard
 * reaches every toolbar), and while one of the toolbar's menus is open. Only that row mounts the toolbar: a hundred
 * rows scrolling into view mount no buttons, popovers or icons.
 */
export function useChatRoomToolbarVisibility() {
  const [hovered, setHovered] = React.useState(false)
  const [focused, setFocused] = React.useState(false)
  const [open, setOpen] = React.useState(false)
  const rowProps = React.useMemo(
    () => ({
      onPointerEnter: () => setHovered(true),
      onPointerLeave: () => setHovered(false),
      // React's focus events bubble out of portals too: focus in an open popover counts as focus in the row.
      onFocus: () => setFocused(true),
      onBlur: (event: React.FocusEvent<HTMLElement>) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null))
          setFocused(false)
      },
    }),
    []
  )
  return {
    shown: hovered || focused || open,
    rowProps,
    /** The toolbar reports whether one of its menus is open: the row keeps it while the pointer is away. */
    setOpen,
    /** Focus is about to move into the toolbar from script (back to Edit after editing): mount it now. */
    showForFocus: React.useCallback(() => setFocused(true), []),
  }
}
