import { reportListenerError } from '../lib/report-listener-error.js';
import type { HeartbeatOptions, WebSocketData } from './types.js';

/**
 * Heartbeat defaults (on unless `heartbeat: false`): a ping after 25 s of silence (under common 30–60 s proxy idle
 * limits), 10 s for any answer, so a dead socket is noticed within 35 s.
 */
export const DEFAULT_HEARTBEAT = Object.freeze({ intervalMs: 25_000, timeoutMs: 10_000 });

/** {@link HeartbeatOptions} with every default filled in. */
export interface ResolvedHeartbeat {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly message: () => WebSocketData;
  readonly isPong: (data: unknown) => boolean;
}

/** The heartbeat a connection runs: the defaults when omitted or `true`, none for `false`. Throws on bad timings. */
export function resolveHeartbeat(input: HeartbeatOptions | boolean | undefined): ResolvedHeartbeat | null {
  if (input === false) return null;
  const given = input === undefined || input === true ? {} : input;
  const resolved = {
    intervalMs: given.intervalMs ?? DEFAULT_HEARTBEAT.intervalMs,
    timeoutMs: given.timeoutMs ?? DEFAULT_HEARTBEAT.timeoutMs,
    message: given.message ?? (() => 'ping'),
    isPong: given.isPong ?? ((data: unknown) => data === 'pong'),
  };
  for (const key of ['intervalMs', 'timeoutMs'] as const) {
    const value = resolved[key];
    if (!(value > 0 && Number.isFinite(value))) {
      throw new RangeError(`createWebSocketConnection: heartbeat.${key} must be a positive number (got ${value}).`);
    }
  }
  return resolved;
}

/** A throwing `isPong` is reported and the message delivered: better an extra message than a lost one. */
export function isPong(heartbeat: ResolvedHeartbeat, data: unknown): boolean {
  try {
    return heartbeat.isPong(data);
  } catch (thrown) {
    reportListenerError(thrown);
    return false;
  }
}
