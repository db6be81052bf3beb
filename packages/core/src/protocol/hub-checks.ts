import type { FrameError } from './frames.js';
import { MAX_REACTION_LENGTH } from './message-states.js';

/**
 * What the hub accepts from one client, whatever carries its frames. Each refusal is a typed error frame and loses
 * nothing else: the session and every other client go on.
 */
export interface HubLimits {
  /** Longest channel name, in UTF-16 code units. Default {@link DEFAULT_HUB_LIMITS}.maxChannelNameLength (256). */
  readonly maxChannelNameLength: number;
  /** Longest event name of a publish or signal. Default 128. */
  readonly maxEventNameLength: number;
  /** Deepest nesting of objects and arrays in published, presence or signal data. Default 32. */
  readonly maxDataDepth: number;
  /** Most channels one session may subscribe to or be present in at once. Default 100. */
  readonly maxChannelsPerSession: number;
  /** Largest presence data, in bytes of its JSON. Default 8 KiB. */
  readonly maxPresenceDataBytes: number;
}

export const DEFAULT_HUB_LIMITS: HubLimits = Object.freeze({
  maxChannelNameLength: 256,
  maxEventNameLength: 128,
  maxDataDepth: 32,
  maxChannelsPerSession: 100,
  maxPresenceDataBytes: 8 * 1024,
});

/** Event names the kit uses for its own SSE events (`rk:gap`, `rk:error`, …): publishers may not use the prefix. */
export const RESERVED_EVENT_PREFIX = 'rk:';

/** The outcome of {@link measureData}: the data's approximate JSON size, or why it has no safe JSON form. */
export type DataMeasure =
  { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly error: FrameError };

/**
 * Walks `data` once, without recursion (a hostile nesting cannot overflow the stack): refuses nesting deeper than
 * `maxDepth` and values JSON cannot carry faithfully (BigInt, which makes `JSON.stringify` throw), and estimates the
 * size of its JSON in bytes (strings count their UTF-16 length, an upper bound for ASCII and close enough for a
 * budget). Data that would break re-encoding for delivery is refused here, at admission, so one message can never
 * cost other clients their sessions.
 */
export function measureData(data: unknown, maxDepth: number): DataMeasure {
  let bytes = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: data, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    switch (typeof value) {
      case 'string':
        bytes += value.length + 2;
        continue;
      case 'number':
      case 'boolean':
        bytes += 8;
        continue;
      case 'bigint':
        return refuse('BigInt values have no JSON form: send numbers or strings.');
      case 'undefined':
      case 'function':
      case 'symbol':
        continue;
      default:
        break;
    }
    if (value === null) {
      bytes += 4;
      continue;
    }
    if (depth >= maxDepth) return refuse(`Data nests deeper than ${maxDepth} levels: flatten it.`);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // Dates and the like: what JSON.stringify would write is a string or a plain value.
      bytes += 32;
      continue;
    }
    if (Array.isArray(value)) {
      bytes += 2 + value.length;
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i], depth: depth + 1 });
      continue;
    }
    bytes += 2;
    for (const key of Object.keys(value as object)) {
      bytes += key.length + 4;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return { ok: true, bytes };
}

function refuse(message: string): DataMeasure {
  return { ok: false, error: { code: 'bad_frame', message } };
}

/** A channel name's problem, if it has one (empty, too long). */
export function checkChannelName(channel: unknown, limits: HubLimits): string | undefined {
  if (typeof channel !== 'string' || channel === '') return 'needs a non-empty "channel" string';
  if (channel.length > limits.maxChannelNameLength) {
    return `has a channel name of ${channel.length} characters: the limit is ${limits.maxChannelNameLength}`;
  }
  return undefined;
}

/** An event name's problem, if it has one (empty, too long, reserved for publishes). */
export function checkEventName(event: unknown, limits: HubLimits, kind: 'publish' | 'signal'): string | undefined {
  if (typeof event !== 'string' || event === '') return `A ${kind} needs a non-empty "event" string.`;
  if (event.length > limits.maxEventNameLength)
    return `Event names are limited to ${limits.maxEventNameLength} characters (got ${event.length}).`;
  if (kind === 'publish' && event.startsWith(RESERVED_EVENT_PREFIX)) {
    return `Event names starting with "${RESERVED_EVENT_PREFIX}" are reserved for the kit's own events: choose another name.`;
  }
  return undefined;
}

/** `limits` with every field set (the defaults for the missing ones), validated. */
export function resolveHubLimits(limits: Partial<HubLimits> | undefined): HubLimits {
  const resolved = { ...DEFAULT_HUB_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`createChannelHub: limits.${name} must be a positive integer (got ${String(value)}).`);
  }
  return resolved;
}

/** Longest `target` of an edit, deletion or reaction (message ids are the server's: far shorter). */
const MAX_TARGET_LENGTH = 256;
const ACTIONS: ReadonlySet<unknown> = new Set(['update', 'delete', 'reaction']);

/** What is wrong with a publish's `action`, `target` and (for a reaction) `data`, or undefined when nothing is. */
export function checkMessageAction(frame: {
  readonly action?: unknown;
  readonly target?: unknown;
  readonly data: unknown;
}): string | undefined {
  const { action, target, data } = frame;
  if (action === undefined && target === undefined) return undefined;
  if (!ACTIONS.has(action))
    return `Unknown publish action "${String(action).slice(0, 64)}": use update, delete or reaction.`;
  if (typeof target !== 'string' || target === '' || target.length > MAX_TARGET_LENGTH) {
    return `An ${String(action)} needs the "target" message id (a string of 1 to ${MAX_TARGET_LENGTH} characters).`;
  }
  if (action !== 'reaction') return undefined;
  const { reaction, op } = (typeof data === 'object' && data !== null ? data : {}) as {
    reaction?: unknown;
    op?: unknown;
  };
  if (typeof reaction !== 'string' || reaction === '' || reaction.length > MAX_REACTION_LENGTH) {
    return `A reaction is a string of 1 to ${MAX_REACTION_LENGTH} characters.`;
  }
  if (op !== 'add' && op !== 'remove') return 'A reaction\'s "op" is "add" or "remove".';
  return undefined;
}
