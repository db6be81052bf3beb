'use client';

import { ConnectionBanner } from '@/registry/realtime/ui/connection-banner';
import { useSimulatedConnection } from '@/components/demos/simulated-connection';

export function ConnectionBannerDemo() {
  const { connection, controls } = useSimulatedConnection();
  return (
    <div className="space-y-4">
      {controls}
      <div className="relative h-56 overflow-hidden rounded-lg border bg-card">
        <ConnectionBanner connection={connection} strategy="absolute" />
        <div className="space-y-2 p-4 pt-24 text-sm">
          <p className="font-medium">Live order board</p>
          <p className="text-muted-foreground">
            The banner floats over this panel: nothing here moves when it comes and goes. A blip shorter than 1.5 s
            shows nothing at all.
          </p>
        </div>
      </div>
    </div>
  );
}
