'use client';

import * as React from 'react';

import { StreamingText } from '@/registry/realtime/components/streaming-text';
import { Button } from '@/components/ui/button';

type Mode = 'ok' | 'drop' | 'fail' | 'ar';

export function StreamingTextDemo() {
  const [run, setRun] = React.useState<{ n: number; mode: Mode } | null>(null);
  const start = (mode: Mode) => setRun((previous) => ({ n: (previous?.n ?? 0) + 1, mode }));
  // A new `run` makes a new URL, so each run is a fresh stream.
  const url =
    run === null
      ? null
      : `/api/demo/stream?run=${run.n}${run.mode === 'drop' ? '&drop=18' : ''}${run.mode === 'fail' ? '&fail=30' : ''}${run.mode === 'ar' ? '&lang=ar' : ''}`;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" size="sm" onClick={() => start('ok')}>
          Ask
        </Button>
        <Button variant="outline" size="sm" onClick={() => start('drop')}>
          Ask, drop the connection once
        </Button>
        <Button variant="outline" size="sm" onClick={() => start('fail')}>
          Ask, then fail
        </Button>
        <Button variant="outline" size="sm" onClick={() => start('ar')}>
          Ask in Arabic
        </Button>
      </div>
      <StreamingText
        url={url}
        locale={run?.mode === 'ar' ? 'ar' : undefined}
        onRetry={() => start(run?.mode === 'fail' ? 'ok' : (run?.mode ?? 'ok'))}
        className="max-w-xl rounded-lg border bg-card p-4 text-card-foreground"
      />
    </div>
  );
}
