"use client"

import * as React from "react"
import type { PresenceMember } from "@realtime-kit/react"
import { Check, CloudOff, LoaderCircle } from "lucide-react"

import {
  idOf,
  nameOf,
  type CollaborativeEditorLabels,
  type CollaborativeEditorPresence,
  type CollaborativeEditorStatus,
} from "@/registry/realtime/lib/collaborative-editor-labels"
import { statusColors } from "@/registry/realtime/lib/status-colors"
import { userColor } from "@/registry/realtime/lib/user-color"
import { cn } from "@/registry/realtime/lib/utils"

/**
 * The status icon in the shared connection colours: connecting as a connection does, saved as live, offline as
 * offline. Syncing (every keystroke) stays uncoloured, so typing does not flash a colour.
 */
const statusIconColor: Record<CollaborativeEditorStatus, string> = {
  connecting: statusColors.connecting.icon,
  syncing: "",
  saved: statusColors.open.icon,
  offline: statusColors.offline.icon,
}

interface CollaborativeEditorFrameProps extends Omit<
  React.ComponentProps<"div">,
  "children"
> {
  status: CollaborativeEditorStatus
  labels: CollaborativeEditorLabels
  /** The people editing (null before anyone is known). */
  people: React.ReactNode
  count: number
  formattedCount: string
  countId: string
  announcement: string
  /** The textarea (and its caret overlay). */
  children: React.ReactNode
}

/** The editor's frame — people, status, surface, character count, announcer — shared by the server and live renders. */
function CollaborativeEditorFrame({
  status,
  labels,
  people,
  count,
  formattedCount,
  countId,
  announcement,
  className,
  children,
  ...props
}: CollaborativeEditorFrameProps) {
  const StatusIcon =
    status === "saved" ? Check : status === "offline" ? CloudOff : LoaderCircle
  return (
    <div
      data-slot="collaborative-editor"
      data-state={status}
      className={cn("flex flex-col gap-2", className)}
      {...props}
    >
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <ul
          aria-label={labels.people}
          data-slot="collaborative-editor-people"
          className="flex min-w-0 flex-wrap items-center gap-1.5"
        >
          {people}
        </ul>
        <p
          data-slot="collaborative-editor-status"
          data-state={status}
          className={cn(
            "ms-auto inline-flex items-center gap-1.5 text-xs whitespace-nowrap",
            status === "offline" ? "text-foreground" : "text-muted-foreground"
          )}
        >
          <StatusIcon
            aria-hidden="true"
            className={cn(
              "size-3.5 shrink-0",
              (status === "syncing" || status === "connecting") &&
                "motion-safe:animate-spin",
              statusIconColor[status]
            )}
          />
          {labels.status[status]}
        </p>
      </div>

      <div data-slot="collaborative-editor-surface" className="relative">
        {children}
      </div>

      <p
        id={countId}
        data-slot="collaborative-editor-count"
        className="text-xs text-muted-foreground tabular-nums"
      >
        {labels.characters(count, formattedCount)}
      </p>
      <span
        role="status"
        aria-live="polite"
        aria-atomic="true"
        className="sr-only"
        data-slot="collaborative-editor-announcer"
      >
        {announcement}
      </span>
    </div>
  )
}

/** One person in the "people editing" list: their colour and name. */
function CollaborativeEditorPerson({
  member,
  suffix,
}: {
  member: PresenceMember<CollaborativeEditorPresence>
  suffix?: string
}) {
  const color = userColor(idOf(member))
  return (
    <li
      data-slot="collaborative-editor-person"
      data-user-id={member.userId}
      className="inline-flex max-w-48 items-center gap-1.5 rounded-full border bg-background px-2 py-0.5 text-xs font-medium"
    >
      <span
        aria-hidden="true"
        className="size-2 shrink-0 rounded-full"
        style={{ backgroundColor: color.solid }}
      />
      <span className="truncate">{nameOf(member)}</span>
      {suffix && <span className="text-muted-foreground">{suffix}</span>}
    </li>
  )
}

export { CollaborativeEditorFrame, CollaborativeEditorPerson }
export type { CollaborativeEditorFrameProps }
