'use client';

import * as React from 'react';

import { StreamProgress } from '@/registry/realtime/components/stream-progress';
import { Button } from '@/components/ui/button';
import { DEMO_TASK_STEPS } from '@/lib/demo-task';

type Mode = 'ok' | 'drop' | 'fail';

const plannedSteps = DEMO_TASK_STEPS.map(({ id, label }) => ({ id, label }));

export function StreamProgressDemo() {
  const [run, setRun] = React.useState<{ n: number; mode: Mode } | null>(null);
  const start = (mode: Mode) => setRun((previous) => ({ n: (previous?.n ?? 0) + 1, mode }));
  // A new `run` makes a new URL, so each run is a fresh stream.
  const url =
    run === null
      ? null
      : `/api/demo/progress?run=${run.n}${run.mode === 'drop' ? '&drop=8' : ''}${run.mode === 'fail' ? '&fail=1' : ''}`;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" size="sm" onClick={() => start('ok')}>
          Start
        </Button>
        <Button variant="outline" size="sm" onClick={() => start('drop')}>
          Start, drop the connection once
        </Button>
        <Button variant="outline" size="sm" onClick={() => start('fail')}>
          Start, then fail
        </Button>
      </div>
      <StreamProgress
        url={url}
        title="Deploying realtime-kit.dev"
        steps={plannedSteps}
        onRetry={() => start(run?.mode === 'fail' ? 'ok' : (run?.mode ?? 'ok'))}
        className="max-w-md"
      />
    </div>
  );
}
