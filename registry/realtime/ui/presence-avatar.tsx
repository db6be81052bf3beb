"use client"

import * as React from "react"
import type { PresenceStatus } from "@realtime-kit/react"
import { cva, type VariantProps } from "class-variance-authority"

import { Avatar, AvatarFallback, AvatarImage } from "@/components/ui/avatar"
import {
  Tooltip,
  TooltipContent,
  TooltipProvider,
  TooltipTrigger,
} from "@/components/ui/tooltip"
import { cn } from "@/registry/realtime/lib/utils"

/** What a member shares in presence for an avatar: `usePresence(room, { data: { name, avatarUrl } })`. */
interface PresenceAvatarData {
  /** Shown in the tooltip and read by screen readers; initials come from it. Default: the user id. */
  name?: string
  /** Your app's user id, when presence is keyed by something else (anonymous connections): picks the colour. */
  id?: string
  /** A picture; the coloured initials show while it loads, and instead of it when it fails. */
  avatarUrl?: string
}

const presenceAvatarVariants = cva(
  "relative inline-flex shrink-0 items-center justify-center overflow-visible rounded-full font-medium ring-2 ring-background outline-none select-none focus-visible:z-20 focus-visible:ring-[3px] focus-visible:ring-ring",
  {
    variants: {
      size: {
        sm: "size-6 text-[0.625rem]",
        default: "size-8 text-xs",
        lg: "size-10 text-sm",
      },
    },
    defaultVariants: { size: "default" },
  }
)

type PresenceAvatarSize = NonNullable<
  VariantProps<typeof presenceAvatarVariants>["size"]
>

/** Where tooltips open: `bottom` for avatars at the top of a panel, so the tooltip is not clipped. */
type PresenceTooltipSide = "top" | "bottom"

/** How tooltips line up with their avatar: `end` keeps them inside a container whose end the stack sits at. */
type PresenceTooltipAlign = "start" | "center" | "end"

/** The initials' size per avatar size (shadcn's fallback sets its own: the presence stack is denser). */
const initialsSize: Record<PresenceAvatarSize, string> = {
  sm: "text-[0.625rem] group-data-[size=sm]/avatar:text-[0.625rem]",
  default: "text-xs",
  lg: "text-sm",
}

/** Escape hides a focused avatar's tooltip (WCAG 1.4.13): the focus leaves it. */
function dismissOnEscape(event: React.KeyboardEvent<HTMLElement>) {
  if (event.key === "Escape") event.currentTarget.blur()
}

/**
 * A hue from a user id: the same person gets the same colour on every screen. FNV-1a with a final avalanche, so
 * similar ids ("ada", "alan") land far apart on the hue circle (the same hash as the `user-color` helper, so a
 * user's avatar and cursor share a hue).
 */
function hueOf(id: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < id.length; index += 1) {
    hash ^= id.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 15
  hash = Math.imul(hash, 0x2c1b3c6d)
  hash ^= hash >>> 12
  return (hash >>> 0) % 360
}

/** Up to two initials, from the first and last word ("Ada Lovelace" → "AL", "أحمد" → "أ"). */
function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean)
  if (words.length === 0) return "?"
  const first = Array.from(words[0] as string)[0] ?? ""
  const last =
    words.length > 1
      ? (Array.from(words[words.length - 1] as string)[0] ?? "")
      : ""
  return (first + last).toLocaleUpperCase()
}

interface PresenceAvatarProps
  extends
    Omit<React.ComponentProps<"span">, "children">,
    VariantProps<typeof presenceAvatarVariants> {
  /** Whose avatar: picks the colour of the initials. */
  userId: string
  name: string
  avatarUrl?: string
  status?: PresenceStatus
  /** The accessible name; default `name`. */
  label?: string
  /** Show a tooltip with `label` on hover and keyboard focus (and make the avatar focusable). Default false. */
  tooltip?: boolean
  /** Where the tooltip opens. Default `bottom` (stacks usually sit at the top of a page or panel). */
  side?: PresenceTooltipSide
  /** How the tooltip lines up with the avatar. Default `start`, so a stack at the start edge keeps it on screen. */
  align?: PresenceTooltipAlign
}

/**
 * One avatar: a picture, or initials on a colour derived from the user id. Idle and away members are dimmed and
 * get a status ring. With `tooltip`, it is focusable and shows its label on hover and focus.
 */
function PresenceAvatar({
  userId,
  name,
  avatarUrl,
  status = "active",
  label = name,
  tooltip = false,
  side = "bottom",
  align = "start",
  size,
  className,
  style,
  ...props
}: PresenceAvatarProps) {
  const dimmed = status !== "active"
  const avatar = (
    <Avatar
      role="img"
      aria-label={label}
      tabIndex={tooltip ? 0 : undefined}
      onKeyDown={tooltip ? dismissOnEscape : undefined}
      data-slot="presence-avatar"
      data-status={status}
      size={size ?? "default"}
      className={cn(
        presenceAvatarVariants({ size }),
        // The user's colour, in both themes; idle and away members turn hollow and grey.
        dimmed
          ? "border border-dashed border-muted-foreground/70 bg-background"
          : "bg-[oklch(0.9_0.06_var(--avatar-hue))] dark:bg-[oklch(0.42_0.08_var(--avatar-hue))]",
        className
      )}
      style={{ "--avatar-hue": hueOf(userId), ...style } as React.CSSProperties}
      {...props}
    >
      {avatarUrl !== undefined && (
        <AvatarImage
          src={avatarUrl}
          alt=""
          draggable={false}
          className={cn(
            "rounded-full object-cover",
            dimmed && "opacity-50 grayscale"
          )}
        />
      )}
      {/* Shown while the picture loads, and instead of it when there is none or it fails. */}
      <AvatarFallback
        aria-hidden="true"
        className={cn(
          "bg-transparent",
          initialsSize[size ?? "default"],
          dimmed
            ? "text-muted-foreground"
            : "text-[oklch(0.34_0.09_var(--avatar-hue))] dark:text-[oklch(0.97_0.02_var(--avatar-hue))]"
        )}
      >
        {initialsOf(name)}
      </AvatarFallback>
      {dimmed && (
        <span
          aria-hidden="true"
          data-slot="presence-avatar-status"
          className={cn(
            "absolute -end-0.5 -bottom-0.5 size-2.5 rounded-full ring-2 ring-background",
            status === "idle"
              ? "bg-amber-500"
              : "border-2 border-muted-foreground bg-background"
          )}
        />
      )}
    </Avatar>
  )
  if (!tooltip) return avatar
  return (
    <AvatarTooltip label={label} side={side} align={align}>
      {avatar}
    </AvatarTooltip>
  )
}

/** The label of an avatar (or the "+N" chip) on hover and keyboard focus: shadcn's tooltip, in the user's theme. */
function AvatarTooltip({
  label,
  side,
  align,
  children,
}: {
  label: string
  side: PresenceTooltipSide
  align: PresenceTooltipAlign
  children: React.ReactElement
}) {
  return (
    // Its own provider, so an avatar works anywhere; a TooltipProvider higher up in the app is fine too.
    <TooltipProvider>
      <Tooltip>
        <TooltipTrigger asChild>{children}</TooltipTrigger>
        <TooltipContent
          side={side}
          align={align}
          sideOffset={4}
          data-slot="presence-avatar-tooltip"
          className="max-w-56"
        >
          {label}
        </TooltipContent>
      </Tooltip>
    </TooltipProvider>
  )
}

/** The "+N" chip; its label (tooltip and accessible name) lists the hidden members. */
function PresenceAvatarOverflow({
  label,
  side = "bottom",
  align = "start",
  size,
  className,
  children,
  ...props
}: React.ComponentProps<"span"> &
  VariantProps<typeof presenceAvatarVariants> & {
    label: string
    side?: PresenceTooltipSide
    align?: PresenceTooltipAlign
  }) {
  return (
    <AvatarTooltip label={label} side={side} align={align}>
      <span
        role="img"
        aria-label={label}
        tabIndex={0}
        onKeyDown={dismissOnEscape}
        data-slot="presence-avatars-overflow"
        className={cn(
          presenceAvatarVariants({ size }),
          "bg-secondary text-secondary-foreground tabular-nums",
          className
        )}
        {...props}
      >
        <span aria-hidden="true">{children}</span>
      </span>
    </AvatarTooltip>
  )
}

export {
  PresenceAvatar,
  PresenceAvatarOverflow,
  presenceAvatarVariants,
  hueOf,
  initialsOf,
}
export type {
  PresenceAvatarProps,
  PresenceAvatarData,
  PresenceAvatarSize,
  PresenceTooltipSide,
  PresenceTooltipAlign,
}
