"use client"

import * as React from "react"
import type {
  ChaosControls,
  InspectedConnection,
} from "@realtime-kit/core/devtools"
import { Scissors, Unplug, Wifi, WifiOff } from "lucide-react"

import { Button } from "@/components/ui/button"
import { Input } from "@/components/ui/input"
import { Label } from "@/components/ui/label"
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select"
import type { RealtimeDevtoolsLabels } from "@/registry/realtime/lib/realtime-devtools-labels"

/** The latencies offered (ms), plus whatever is set now. */
const LATENCIES = [0, 250, 1000, 3000] as const

interface RealtimeDevtoolsChaosProps {
  connection: InspectedConnection
  chaos: ChaosControls
  labels: RealtimeDevtoolsLabels
  locale: string
}

/**
 * Faults to test by hand: disconnect, go offline, add latency, drop the next N messages (the client notices the
 * hole and resyncs), and heal. Raw SSE and WebSocket connections only support Disconnect.
 */
function RealtimeDevtoolsChaos({
  connection,
  chaos,
  labels,
  locale,
}: RealtimeDevtoolsChaosProps) {
  const numbers = React.useMemo(() => new Intl.NumberFormat(locale), [locale])
  const [countText, setCountText] = React.useState("3")
  const count = Math.max(1, Math.min(1000, Math.trunc(Number(countText)) || 1))
  const latencyId = React.useId()
  const countId = React.useId()
  const supports = (action: InspectedConnection["supports"][number]) =>
    connection.supports.includes(action)
  const { offline, delayMs, dropping } = connection.chaos
  return (
    <div
      data-slot="realtime-devtools-chaos"
      className="flex flex-col gap-3 p-3 text-sm"
    >
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => chaos.disconnect()}
          data-slot="realtime-devtools-disconnect"
        >
          <Unplug aria-hidden="true" />
          {labels.disconnect}
        </Button>
        {supports("offline") && (
          <Button
            type="button"
            variant="outline"
            size="sm"
            aria-pressed={offline}
            onClick={() => (offline ? chaos.online() : chaos.offline())}
            data-slot="realtime-devtools-offline"
            className="aria-pressed:bg-accent aria-pressed:text-accent-foreground"
          >
            {offline ? (
              <WifiOff aria-hidden="true" />
            ) : (
              <Wifi aria-hidden="true" />
            )}
            {labels.offline}
          </Button>
        )}
        {supports("heal") && (delayMs > 0 || dropping > 0) && (
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => chaos.heal()}
            data-slot="realtime-devtools-heal"
          >
            {labels.heal}
          </Button>
        )}
      </div>
      {supports("delay") && (
        <div className="flex items-center gap-2">
          <Label htmlFor={latencyId} className="w-24 text-xs">
            {labels.latency}
          </Label>
          <NativeSelect
            id={latencyId}
            size="sm"
            value={delayMs}
            onChange={(event) => chaos.delay(Number(event.target.value))}
            data-slot="realtime-devtools-latency"
          >
            {[...new Set([...LATENCIES, delayMs])].map((ms) => (
              <NativeSelectOption key={ms} value={ms}>
                {ms === 0 ? labels.latencyOff : `${numbers.format(ms)} ms`}
              </NativeSelectOption>
            ))}
          </NativeSelect>
        </div>
      )}
      {supports("drop") && (
        <div className="flex flex-wrap items-center gap-2">
          <Label htmlFor={countId} className="w-24 text-xs">
            {labels.dropCount}
          </Label>
          <Input
            id={countId}
            type="number"
            min={1}
            max={1000}
            value={countText}
            onChange={(event) => setCountText(event.target.value)}
            data-slot="realtime-devtools-drop-count"
            className="h-8 w-20 tabular-nums"
          />
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => chaos.drop(count)}
            data-slot="realtime-devtools-drop"
          >
            <Scissors aria-hidden="true" />
            {labels.dropNext}
          </Button>
          {dropping > 0 && (
            <span role="status" className="text-xs text-muted-foreground">
              {labels.dropping(numbers.format(dropping))}
            </span>
          )}
        </div>
      )}
      {!supports("offline") && (
        <p className="text-xs text-muted-foreground">{labels.rawChaos}</p>
      )}
    </div>
  )
}

export { RealtimeDevtoolsChaos }
export type { RealtimeDevtoolsChaosProps }
