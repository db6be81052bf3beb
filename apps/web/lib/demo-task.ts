/**
 * The simulated long task behind /api/demo/progress: a fixed script of `step` / `progress` / `done` events
 * (the stream-progress protocol). Event ids are positions in the script, so a client that reconnects with
 * `Last-Event-ID: n` resumes at event n + 1 — the server keeps no per-client state.
 */
export interface DemoTaskEvent {
  id: string;
  event: 'step' | 'progress' | 'done' | 'error';
  data: unknown;
}

/** The steps of the simulated task, also shown as planned steps before the first event. */
export const DEMO_TASK_STEPS = [
  { id: 'queue', label: 'Queued', ticks: 1 },
  { id: 'install', label: 'Installing dependencies', ticks: 4 },
  { id: 'build', label: 'Building the app', ticks: 6 },
  { id: 'test', label: 'Running tests', ticks: 4 },
  { id: 'deploy', label: 'Deploying to the edge', ticks: 3 },
] as const;

/** Every event of one run, in order. With `fail`, the run stops with an `error` event during the last step. */
export function demoTaskScript({ fail = false }: { fail?: boolean } = {}): DemoTaskEvent[] {
  const events: Omit<DemoTaskEvent, 'id'>[] = [];
  const totalTicks = DEMO_TASK_STEPS.reduce((sum, step) => sum + step.ticks, 0);
  let ticks = 0;
  for (const step of DEMO_TASK_STEPS)
    events.push({ event: 'step', data: { id: step.id, label: step.label, status: 'pending' } });
  for (const [index, step] of DEMO_TASK_STEPS.entries()) {
    events.push({ event: 'step', data: { id: step.id, status: 'active' } });
    for (let tick = 1; tick <= step.ticks; tick++) {
      if (fail && index === DEMO_TASK_STEPS.length - 1 && tick === step.ticks) {
        events.push({
          event: 'step',
          data: { id: step.id, status: 'error', detail: 'Region eu-west-1 refused the upload' },
        });
        events.push({ event: 'error', data: { message: 'Deploy failed: region eu-west-1 refused the upload.' } });
        return events.map((event, i) => ({ ...event, id: String(i) }));
      }
      ticks += 1;
      events.push({ event: 'progress', data: { value: ticks, max: totalTicks } });
    }
    events.push({
      event: 'step',
      data: { id: step.id, status: 'done', detail: `${step.ticks} ${step.ticks === 1 ? 'task' : 'tasks'}` },
    });
  }
  events.push({ event: 'done', data: { message: 'Deployed in 12 s' } });
  return events.map((event, i) => ({ ...event, id: String(i) }));
}

/** Where a run resumes, from the client's `Last-Event-ID` (absent or unknown: from the start). */
export function resumeIndex(lastEventId: string | undefined, length: number): number {
  if (lastEventId === undefined || !/^\d+$/.test(lastEventId)) return 0;
  return Math.min(Number(lastEventId) + 1, length);
}
