"use client"

import type { ReactionSummary } from "@realtime-kit/react"

import { Button } from "@/components/ui/button"
import {
  Tooltip,
  TooltipContent,
  TooltipProvider,
  TooltipTrigger,
} from "@/components/ui/tooltip"
import {
  chatListFormat,
  chatNumberFormat,
  type ChatRoomLabels,
} from "@/registry/realtime/blocks/chat-room/lib/chat-room-messages"
import { cn } from "@/registry/realtime/lib/utils"

interface ChatRoomReactionsProps {
  reactions: ReactionSummary
  /** You: a chip you reacted with is pressed, and clicking it takes your reaction back. */
  userId: string
  getName: (userId: string) => string | undefined
  onToggle: (reaction: string, reacted: boolean) => void
  locale: string
  labels: ChatRoomLabels
  className?: string
}

/**
 * The reactions under a message: one chip per reaction with its count, pressed when it includes yours; a click adds
 * or takes back yours. Who reacted is in the chip's name and its tooltip ("and N more" past the server's list).
 */
function ChatRoomReactions({
  reactions,
  userId,
  getName,
  onToggle,
  locale,
  labels,
  className,
}: ChatRoomReactionsProps) {
  const numbers = chatNumberFormat(locale)
  const format = {
    number: (count: number) => numbers.format(count),
    list: chatListFormat(locale),
  }
  const chips = Object.entries(reactions).filter(([, entry]) => entry.count > 0)
  if (chips.length === 0) return null

  return (
    <TooltipProvider>
      <div
        data-slot="chat-message-reactions"
        className={cn("flex flex-wrap gap-1", className)}
      >
        {chips.map(([reaction, { count, users }]) => {
          const reacted = users.includes(userId)
          const names = users.map((user) =>
            user === userId ? labels.you : (getName(user) ?? labels.anonymous)
          )
          // The server lists only so many users (`clipped`): the rest are counted.
          const unlisted = count - users.length
          if (unlisted > 0) names.push(labels.andMore(format.number(unlisted)))
          const who = format.list.format(names)
          return (
            <Tooltip key={reaction}>
              <TooltipTrigger asChild>
                <Button
                  type="button"
                  variant="outline"
                  size="xs"
                  aria-pressed={reacted}
                  aria-label={labels.reactionChip(
                    reaction,
                    format.number(count),
                    who
                  )}
                  data-slot="chat-message-reaction"
                  onClick={() => onToggle(reaction, reacted)}
                  className="h-6 rounded-full px-2 tabular-nums aria-pressed:border-primary/60 aria-pressed:bg-primary/10 dark:aria-pressed:bg-primary/20"
                >
                  <span aria-hidden="true">{reaction}</span>
                  <span aria-hidden="true">{format.number(count)}</span>
                </Button>
              </TooltipTrigger>
              <TooltipContent side="top" className="max-w-64">
                {who}
              </TooltipContent>
            </Tooltip>
          )
        })}
      </div>
    </TooltipProvider>
  )
}

export { ChatRoomReactions }
export type { ChatRoomReactionsProps }
