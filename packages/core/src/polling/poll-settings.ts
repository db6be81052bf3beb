import { backoff, DEFAULT_BACKOFF, type BackoffOptions } from '../connection/backoff.js';
import type { NetworkSource } from '../env/network.js';
import type { PollerSettings } from './poller.js';

/** Default of {@link PollerSettings.intervalMs}: one poll every 5 s. */
export const DEFAULT_POLL_INTERVAL_MS = 5000;

/** `settings` with `next` merged in; throws now, not on the first error, for an interval or backoff that cannot work. */
export function mergePollSettings<T>(settings: PollerSettings<T>, next: PollerSettings<T>): PollerSettings<T> {
  const merged = { ...settings, ...next };
  const intervalMs = pollIntervalMs(merged);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`createPoller: intervalMs must be a positive, finite number (got ${String(intervalMs)}).`);
  }
  if (merged.backoff !== false) backoff(1, { ...backoffFor(intervalMs, merged.backoff), random: () => 0 });
  return merged;
}

/** The time between a successful poll and the next. */
export function pollIntervalMs<T>(settings: PollerSettings<T>): number {
  return settings.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
}

/** The wait after the `failures`th failed poll in a row: the interval, plus a backoff unless it is turned off. */
export function pollRetryDelay<T>(settings: PollerSettings<T>, failures: number): number {
  const interval = pollIntervalMs(settings);
  return settings.backoff === false ? interval : interval + backoff(failures, backoffFor(interval, settings.backoff));
}

/** Whether polls wait now: offline, or the page hidden while `pauseWhenHidden` (the default) holds. */
export function pollsBlocked<T>(network: NetworkSource, settings: PollerSettings<T>): boolean {
  if (!network.isOnline()) return true;
  return (settings.pauseWhenHidden ?? true) && (settings.isHidden ?? documentHidden)();
}

/** The backoff options for a given interval: the documented defaults, overridden by what the user gave. */
function backoffFor(intervalMs: number, given: BackoffOptions | undefined): BackoffOptions {
  return {
    minMs: intervalMs,
    maxMs: Math.max(DEFAULT_BACKOFF.maxMs, intervalMs),
    factor: DEFAULT_BACKOFF.factor,
    ...given,
  };
}

function documentHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}
