"use client"

import {
  ChevronDown,
  CircleAlert,
  CircleCheck,
  CircleSlash,
  LoaderCircle,
  Wrench,
} from "lucide-react"

import {
  Collapsible,
  CollapsibleContent,
  CollapsibleTrigger,
} from "@/components/ui/collapsible"
import {
  formatToolValue,
  toolStateText,
  toolTitle,
  type AiChatLabels,
  type AiChatToolPart,
} from "@/registry/realtime/blocks/ai-chat/lib/ai-chat-messages"
import { cn } from "@/registry/realtime/lib/utils"

/**
 * The icon beside a tool call: it spins while the call runs in an answer being written, and says done, failed or
 * denied once it ended. A call left unfinished in an answer that is over (stopped) holds still.
 */
function ToolStateIcon({
  state,
  active,
}: {
  state: AiChatToolPart["state"]
  active: boolean
}) {
  switch (state) {
    case "output-available":
      return <CircleCheck aria-hidden="true" className="size-4" />
    case "output-error":
      return (
        <CircleAlert aria-hidden="true" className="size-4 text-destructive" />
      )
    case "output-denied":
      return <CircleSlash aria-hidden="true" className="size-4" />
    case "approval-requested":
    case "approval-responded":
      return <Wrench aria-hidden="true" className="size-4" />
    default:
      if (!active) return <Wrench aria-hidden="true" className="size-4" />
      return (
        <LoaderCircle
          aria-hidden="true"
          className="size-4 motion-safe:animate-spin"
        />
      )
  }
}

/**
 * A tool call in one line: its name and state ("getWeather · running"), its error under it when it failed, and its
 * input and output folded away behind the line (a Collapsible), since they are for the curious.
 */
function AiChatToolCall({
  part,
  labels,
  active = false,
}: {
  part: AiChatToolPart
  labels: AiChatLabels
  /** The answer is being written: a call in progress spins. */
  active?: boolean
}) {
  const failed = part.state === "output-error"
  const hasOutput = part.state === "output-available"
  return (
    <Collapsible
      data-slot="ai-chat-tool-call"
      data-tool-state={part.state}
      className="rounded-lg border bg-background text-sm"
    >
      <CollapsibleTrigger className="group flex w-full min-w-0 items-center gap-2 rounded-lg px-3 py-1.5 text-start outline-none hover:bg-accent/50 focus-visible:ring-[3px] focus-visible:ring-ring/50">
        <ToolStateIcon state={part.state} active={active} />
        <span className="min-w-0 truncate font-mono text-xs font-medium">
          {toolTitle(part)}
        </span>
        <span
          className={cn(
            "shrink-0 text-xs text-muted-foreground",
            failed && "text-destructive"
          )}
        >
          {` · ${toolStateText(part.state, labels)}`}
        </span>
        <ChevronDown
          aria-hidden="true"
          className="ms-auto size-4 shrink-0 text-muted-foreground transition-transform group-data-[state=open]:rotate-180 motion-reduce:transition-none"
        />
      </CollapsibleTrigger>
      {failed && (
        <p
          data-slot="ai-chat-tool-error"
          className="px-3 pb-2 text-xs [overflow-wrap:anywhere] text-destructive"
        >
          {part.errorText}
        </p>
      )}
      <CollapsibleContent className="space-y-2 border-t px-3 py-2">
        <ToolValue label={labels.toolInput} value={part.input} />
        {hasOutput && (
          <ToolValue label={labels.toolOutput} value={part.output} />
        )}
      </CollapsibleContent>
    </Collapsible>
  )
}

function ToolValue({ label, value }: { label: string; value: unknown }) {
  if (value === undefined) return null
  return (
    <div className="space-y-1">
      <p className="text-xs font-medium text-muted-foreground">{label}</p>
      <pre className="rounded-md bg-muted p-2 font-mono text-xs [overflow-wrap:anywhere] whitespace-pre-wrap">
        {formatToolValue(value)}
      </pre>
    </div>
  )
}

export { AiChatToolCall }
