"use client"

import type { ChatRoomMentions } from "@/registry/realtime/blocks/chat-room/hooks/use-chat-room-mentions"
import { cn } from "@/registry/realtime/lib/utils"
import { PresenceAvatar } from "@/registry/realtime/ui/presence-avatars"

interface ChatRoomMentionListProps {
  id: string
  mentions: ChatRoomMentions
  label: string
  className?: string
}

/** The id of a suggestion's option, for the field's `aria-activedescendant`. */
export function mentionOptionId(listId: string, index: number) {
  return `${listId}-option-${index}`
}

/**
 * The `@` suggestions, over the field. Focus stays in the field (it points at the active option with
 * `aria-activedescendant`); a click chooses without taking focus from it.
 */
function ChatRoomMentionList({
  id,
  mentions,
  label,
  className,
}: ChatRoomMentionListProps) {
  if (!mentions.open) return null
  return (
    <ul
      id={id}
      role="listbox"
      aria-label={label}
      data-slot="chat-room-mention-list"
      className={cn(
        "absolute inset-x-0 bottom-full z-10 mb-1 max-h-64 overflow-y-auto rounded-md border bg-popover p-1 text-popover-foreground shadow-md",
        className
      )}
    >
      {mentions.options.map((candidate, index) => (
        <li
          key={candidate.id}
          id={mentionOptionId(id, index)}
          role="option"
          aria-selected={index === mentions.active}
          data-slot="chat-room-mention-option"
          // Keep focus (and the caret) in the field.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => mentions.choose(candidate)}
          className={cn(
            "flex cursor-default items-center gap-2 rounded-sm px-2 py-1.5 text-sm",
            index === mentions.active && "bg-accent text-accent-foreground"
          )}
        >
          <PresenceAvatar
            userId={candidate.id}
            name={candidate.name}
            avatarUrl={candidate.avatarUrl}
            size="sm"
            className="size-6 ring-0"
            aria-hidden="true"
          />
          <span className="truncate">{candidate.name}</span>
        </li>
      ))}
    </ul>
  )
}

export { ChatRoomMentionList }
export type { ChatRoomMentionListProps }
