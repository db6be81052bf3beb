/** Lets a housekeeping timer not keep a Node process alive (a no-op in browsers, whose timers are numbers). */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}
