"use client"

import { Brain, ChevronRight } from "lucide-react"

import {
  Collapsible,
  CollapsibleContent,
  CollapsibleTrigger,
} from "@/components/ui/collapsible"
import type {
  AiChatLabels,
  AiChatReasoningPart,
} from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"

/**
 * The model's reasoning, collapsed by default: one line ("Reasoning…" while it thinks) that opens to the text. Folded
 * away because it is long and secondary; open, it reads as a quote beside the answer.
 */
function AiChatReasoning({
  part,
  labels,
}: {
  part: AiChatReasoningPart
  labels: AiChatLabels
}) {
  const streaming = part.state === "streaming"
  return (
    <Collapsible
      data-slot="ai-chat-reasoning"
      data-streaming={streaming || undefined}
      className="text-sm"
    >
      <CollapsibleTrigger className="group inline-flex items-center gap-1.5 rounded-md text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50">
        <Brain aria-hidden="true" className="size-4" />
        <span>{streaming ? labels.reasoningStreaming : labels.reasoning}</span>
        <ChevronRight
          aria-hidden="true"
          className="size-4 transition-transform group-data-[state=open]:rotate-90 motion-reduce:transition-none rtl:-scale-x-100"
        />
      </CollapsibleTrigger>
      <CollapsibleContent
        data-slot="ai-chat-reasoning-text"
        dir="auto"
        className="mt-2 border-s-2 ps-3 leading-relaxed [overflow-wrap:anywhere] whitespace-pre-wrap text-muted-foreground"
      >
        {part.text}
      </CollapsibleContent>
    </Collapsible>
  )
}

export { AiChatReasoning }
