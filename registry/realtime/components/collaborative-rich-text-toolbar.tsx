"use client"

import * as React from "react"
import { useEditorState, type Editor } from "@tiptap/react"
import {
  Bold,
  Code,
  Heading2,
  Italic,
  List,
  ListOrdered,
  Redo2,
  Strikethrough,
  TextQuote,
  Undo2,
  type LucideIcon,
} from "lucide-react"

import { Button } from "@/components/ui/button"
import type {
  CollaborativeRichTextFormat,
  CollaborativeRichTextLabels,
} from "@/registry/realtime/lib/collaborative-rich-text-labels"
import { cn } from "@/registry/realtime/lib/utils"

interface ToolbarAction {
  key: CollaborativeRichTextFormat | "undo" | "redo"
  icon: LucideIcon
  /** Tiptap's own shortcut for it, as `aria-keyshortcuts` spells it (Control on Windows/Linux, Meta on a Mac). */
  shortcut: string
  /** Null for undo/redo, which are actions, not states. */
  isActive: ((editor: Editor) => boolean) | null
  run: (editor: Editor) => void
  canRun: (editor: Editor) => boolean
}

const chain = (editor: Editor) => editor.chain().focus()

const ACTIONS: ToolbarAction[] = [
  {
    key: "bold",
    icon: Bold,
    shortcut: "B",
    isActive: (editor) => editor.isActive("bold"),
    run: (editor) => chain(editor).toggleBold().run(),
    canRun: (editor) => editor.can().toggleBold(),
  },
  {
    key: "italic",
    icon: Italic,
    shortcut: "I",
    isActive: (editor) => editor.isActive("italic"),
    run: (editor) => chain(editor).toggleItalic().run(),
    canRun: (editor) => editor.can().toggleItalic(),
  },
  {
    key: "strike",
    icon: Strikethrough,
    shortcut: "Shift+S",
    isActive: (editor) => editor.isActive("strike"),
    run: (editor) => chain(editor).toggleStrike().run(),
    canRun: (editor) => editor.can().toggleStrike(),
  },
  {
    key: "code",
    icon: Code,
    shortcut: "E",
    isActive: (editor) => editor.isActive("code"),
    run: (editor) => chain(editor).toggleCode().run(),
    canRun: (editor) => editor.can().toggleCode(),
  },
  {
    key: "heading",
    icon: Heading2,
    shortcut: "Alt+2",
    isActive: (editor) => editor.isActive("heading", { level: 2 }),
    run: (editor) => chain(editor).toggleHeading({ level: 2 }).run(),
    canRun: (editor) => editor.can().toggleHeading({ level: 2 }),
  },
  {
    key: "bulletList",
    icon: List,
    shortcut: "Shift+8",
    isActive: (editor) => editor.isActive("bulletList"),
    run: (editor) => chain(editor).toggleBulletList().run(),
    canRun: (editor) => editor.can().toggleBulletList(),
  },
  {
    key: "orderedList",
    icon: ListOrdered,
    shortcut: "Shift+7",
    isActive: (editor) => editor.isActive("orderedList"),
    run: (editor) => chain(editor).toggleOrderedList().run(),
    canRun: (editor) => editor.can().toggleOrderedList(),
  },
  {
    key: "blockquote",
    icon: TextQuote,
    shortcut: "Shift+B",
    isActive: (editor) => editor.isActive("blockquote"),
    run: (editor) => chain(editor).toggleBlockquote().run(),
    canRun: (editor) => editor.can().toggleBlockquote(),
  },
  {
    key: "undo",
    icon: Undo2,
    shortcut: "Z",
    isActive: null,
    run: (editor) => chain(editor).undo().run(),
    canRun: (editor) => editor.can().undo(),
  },
  {
    key: "redo",
    icon: Redo2,
    shortcut: "Shift+Z",
    isActive: null,
    run: (editor) => chain(editor).redo().run(),
    canRun: (editor) => editor.can().redo(),
  },
]

const keyShortcuts = (shortcut: string) =>
  `Control+${shortcut} Meta+${shortcut}`

interface CollaborativeRichTextToolbarProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  /** Null before the editor exists (server render, connecting): every button shows, disabled. */
  editor: Editor | null
  labels: CollaborativeRichTextLabels
}

/**
 * The formatting toolbar: shadcn buttons with `aria-pressed` for marks and blocks, one tab stop (arrow keys, Home
 * and End move between buttons, as WAI-ARIA's toolbar pattern has it), each with its keyboard shortcut.
 */
function CollaborativeRichTextToolbar({
  editor,
  labels,
  className,
  ...props
}: CollaborativeRichTextToolbarProps) {
  // Re-renders on the editor's transactions, only when a button's state changed.
  const states = useEditorState({
    editor,
    selector: ({ editor: current }) =>
      ACTIONS.map((action) => ({
        active: current && action.isActive ? action.isActive(current) : false,
        enabled: current ? current.isEditable && action.canRun(current) : false,
      })),
  })
  const [focusIndex, setFocusIndex] = React.useState(0)
  const buttons = React.useRef<(HTMLButtonElement | null)[]>([])

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const last = ACTIONS.length - 1
    const rtl = getComputedStyle(event.currentTarget).direction === "rtl"
    const step: Record<string, number | "first" | "last"> = {
      ArrowRight: rtl ? -1 : 1,
      ArrowLeft: rtl ? 1 : -1,
      Home: "first",
      End: "last",
    }
    const move = step[event.key]
    if (move === undefined) return
    event.preventDefault()
    const next =
      move === "first"
        ? 0
        : move === "last"
          ? last
          : (focusIndex + move + ACTIONS.length) % ACTIONS.length
    setFocusIndex(next)
    buttons.current[next]?.focus()
  }

  return (
    <div
      role="toolbar"
      aria-label={labels.toolbar}
      aria-orientation="horizontal"
      data-slot="collaborative-rich-text-toolbar"
      onKeyDown={onKeyDown}
      className={cn(
        "flex flex-wrap items-center gap-0.5 border-b p-1",
        className
      )}
      {...props}
    >
      {ACTIONS.map((action, index) => {
        const Icon = action.icon
        const label =
          action.key === "undo"
            ? labels.undo
            : action.key === "redo"
              ? labels.redo
              : labels.formats[action.key]
        const state = states?.[index] ?? { active: false, enabled: false }
        return (
          <React.Fragment key={action.key}>
            {action.key === "undo" && (
              <span
                aria-hidden="true"
                className="mx-1 h-5 w-px shrink-0 bg-border"
              />
            )}
            <Button
              ref={(element) => {
                buttons.current[index] = element
              }}
              type="button"
              variant="ghost"
              size="icon-sm"
              data-slot="collaborative-rich-text-toolbar-button"
              data-format={action.key}
              data-state={state.active ? "on" : "off"}
              aria-label={label}
              aria-pressed={action.isActive ? state.active : undefined}
              aria-keyshortcuts={keyShortcuts(action.shortcut)}
              title={label}
              tabIndex={index === focusIndex ? 0 : -1}
              // Keep the editor's selection: a toolbar click must not blur the text it formats.
              onMouseDown={(event) => event.preventDefault()}
              onFocus={() => setFocusIndex(index)}
              onClick={() => {
                if (editor && state.enabled) action.run(editor)
              }}
              // aria-disabled, not disabled: a disabled button leaves the toolbar's single tab stop unreachable.
              aria-disabled={!state.enabled}
              className="aria-disabled:pointer-events-none aria-disabled:opacity-50 data-[state=on]:bg-accent data-[state=on]:text-accent-foreground"
            >
              <Icon aria-hidden="true" />
            </Button>
          </React.Fragment>
        )
      })}
    </div>
  )
}

export { CollaborativeRichTextToolbar }
export type { CollaborativeRichTextToolbarProps }
