import { connection } from 'next/server';

import { LiveCounter } from '@/registry/realtime/ui/live-counter';
import { counterSnapshot } from '@/lib/counter-hub';

/**
 * A Server Component: it reads the current count at request time and passes it as `initialValue`,
 * so the HTML already shows the right number and the stream takes over from there.
 */
export async function LiveCounterDemo() {
  await connection();
  const snapshot = counterSnapshot();
  return <LiveCounterPanel viewers={snapshot.viewers} total={snapshot.total} />;
}

/** Placeholders of the same size while the request-time numbers stream in (no number is better than a wrong 0). */
export function LiveCounterFallback() {
  return (
    <dl className="grid grid-cols-2 gap-6" aria-busy="true">
      {['Watching now', 'Events processed'].map((label) => (
        <div key={label} className="space-y-1">
          <dt className="text-sm text-muted-foreground">{label}</dt>
          <dd>
            <span className="inline-block h-10 w-28 rounded-md bg-muted motion-safe:animate-pulse" />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function LiveCounterPanel({ viewers, total }: { viewers: number; total: number }) {
  const url = '/api/demo/counter';
  return (
    <dl className="grid grid-cols-2 gap-6">
      <div className="space-y-1">
        <dt className="text-sm text-muted-foreground">Watching now</dt>
        <dd>
          <LiveCounter
            url={url}
            event="count"
            field="viewers"
            initialValue={viewers}
            label="Watching now"
            className="text-4xl"
          />
        </dd>
      </div>
      <div className="space-y-1">
        <dt className="text-sm text-muted-foreground">Events processed</dt>
        <dd>
          {/* Ticks every second: shown, not announced. */}
          <LiveCounter
            url={url}
            event="count"
            field="total"
            initialValue={total}
            label="Events processed"
            announce={false}
            className="text-4xl"
          />
        </dd>
      </div>
    </dl>
  );
}
