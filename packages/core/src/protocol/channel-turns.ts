/** Runs a task when the tasks given before it for the same channel have settled. */
export type InTurn = <T>(channel: string, task: () => Promise<T>) => Promise<T>;

/**
 * One task per channel at a time, in the order they were given, on this process: a failed task does not hold up
 * the next. A channel's queue is dropped once it runs empty, so idle channels cost nothing.
 */
export function createChannelTurns(): InTurn {
  const queues = new Map<string, Promise<unknown>>();
  return (channel, task) => {
    // Each tail settles with nothing whatever its task did, so the next task always runs.
    const run = (queues.get(channel) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    queues.set(channel, tail);
    void tail.then(() => {
      if (queues.get(channel) === tail) queues.delete(channel);
    });
    return run;
  };
}
