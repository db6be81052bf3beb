import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportListenerError } from './report-listener-error.js';

afterEach(() => vi.unstubAllGlobals());

describe('reportListenerError', () => {
  it('uses reportError where the platform has it', () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    const error = new Error('x');
    reportListenerError(error);
    expect(reportError).toHaveBeenCalledWith(error);
  });

  it('otherwise rethrows in a microtask, never synchronously', () => {
    vi.stubGlobal('reportError', undefined);
    const tasks: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (task: () => void) => tasks.push(task));
    const error = new Error('y');
    expect(() => reportListenerError(error)).not.toThrow();
    vi.unstubAllGlobals();
    expect(tasks).toHaveLength(1);
    expect(() => tasks[0]!()).toThrow(error);
  });
});
