'use client';

import { ReconnectToaster } from '@/registry/realtime/components/reconnect-toast';
import { useSimulatedConnection } from '@/components/demos/simulated-connection';

export function ReconnectToastDemo() {
  const { connection, controls } = useSimulatedConnection();
  return (
    <div className="space-y-3">
      {controls}
      <p className="text-sm text-muted-foreground">
        The toast appears at the bottom of the page and updates in place: one toast, never a stack.
      </p>
      <ReconnectToaster connection={connection} position="bottom-center" />
    </div>
  );
}
