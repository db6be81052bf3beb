"use client"

import * as React from "react"
import { BellOff, BellRing, CircleCheck, TriangleAlert } from "lucide-react"

import { Button } from "@/components/ui/button"
import type { DesktopPermission } from "@/registry/realtime/blocks/notification-center/hooks/use-desktop-notifications"
import type { NotificationCenterLabels } from "@/registry/realtime/blocks/notification-center/lib/notification-center-items"

interface NotificationCenterDesktopProps {
  permission: DesktopPermission
  onRequest: () => Promise<void>
  labels: NotificationCenterLabels
}

/**
 * The panel's footer about desktop notifications: a button that asks the browser, or what it answered. The answer
 * replaces the button and takes its focus, so focus stays in the panel and the outcome is read.
 */
function NotificationCenterDesktop({
  permission,
  onRequest,
  labels,
}: NotificationCenterDesktopProps) {
  const statusRef = React.useRef<HTMLParagraphElement>(null)
  const focusOutcome = React.useRef(false)
  React.useEffect(() => {
    if (!focusOutcome.current || permission === "default" || !statusRef.current)
      return
    focusOutcome.current = false
    statusRef.current.focus()
  }, [permission])

  return (
    <div
      data-slot="notification-center-desktop"
      className="border-t px-4 py-3 text-xs text-muted-foreground"
    >
      {permission === "default" ? (
        <Button
          type="button"
          variant="outline"
          size="xs"
          data-slot="notification-center-enable-desktop"
          onClick={() => {
            focusOutcome.current = true
            void onRequest()
          }}
          className="h-7 text-foreground"
        >
          <BellRing aria-hidden="true" />
          {labels.enableDesktop}
        </Button>
      ) : (
        <p
          ref={statusRef}
          tabIndex={-1}
          role="status"
          className="flex items-start gap-2 outline-none"
        >
          {permission === "granted" && (
            <CircleCheck
              aria-hidden="true"
              className="mt-px size-3.5 shrink-0 text-emerald-700 dark:text-emerald-400"
            />
          )}
          {permission === "denied" && (
            <TriangleAlert
              aria-hidden="true"
              className="mt-px size-3.5 shrink-0 text-foreground"
            />
          )}
          {permission === "unsupported" && (
            <BellOff aria-hidden="true" className="mt-px size-3.5 shrink-0" />
          )}
          <span>
            {permission === "granted" && labels.desktopGranted}
            {permission === "denied" && (
              <>
                <span className="font-medium text-foreground">
                  {labels.desktopDenied}
                </span>{" "}
                {labels.desktopDeniedHelp}
              </>
            )}
            {permission === "unsupported" && labels.desktopUnsupported}
          </span>
        </p>
      )}
    </div>
  )
}

export { NotificationCenterDesktop }
export type { NotificationCenterDesktopProps }
