import type { BrokerSubscription, HubMessage, MaybePromise } from './broker.js';
import type { ServerFrame } from './frames.js';
import type { ChannelPresence } from './hub-presence.js';

/** What a session may do on a channel; `authorize` is asked once per session, channel and action. */
export type HubAction = 'subscribe' | 'publish' | 'presence' | 'signal';

/** Who a session is, as `authorize`, `admit` and `beforePublish` see it. */
export interface HubSessionInfo {
  /** The session's id (the `connectionId` of its `welcome` frame). */
  readonly id: string;
  /** The authenticated user, when the connection has one. */
  readonly userId: string | undefined;
  /** Which endpoint carries it (`websocket`, `sse-post`, `polling`, `socket.io`, `http`, `memory`, …), for audit trails. */
  readonly transport?: string;
  /** The channels its credentials are limited to (a scoped stream token); absent: no limit of its own. */
  readonly channels?: readonly string[];
}

/** This process's view of one channel: who is subscribed here, its presence, the broker subscription. */
export interface ChannelState {
  readonly name: string;
  readonly subscribers: Set<SessionState>;
  readonly occupancyWatchers: Set<SessionState>;
  subscription: BrokerSubscription | null;
  readonly presence: ChannelPresence;
  /** The occupancy last sent to watchers, when, and the timer of the next send (throttled). */
  occupancy: { connections: number; members: number } | null;
  occupancySentAt: number;
  occupancyTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Where one session stands on one channel. */
export interface Cursor {
  /** The newest seq sent to this session (or skipped by a `gap`), counted in `epoch`. */
  sent: number;
  /** The epoch `sent` counts in (`''` before the log is known). */
  epoch: string;
  /** While a replay is read from the broker: live messages (with their epochs) held back until it is sent. */
  held: [HubMessage, string][] | null;
}

export interface SessionState {
  readonly info: HubSessionInfo;
  /** The member key in presence and the `from` of its signals and messages: its user id, or a random id when anonymous. */
  readonly presenceKey: string;
  readonly connection: { send(frame: ServerFrame): void; close?(): void };
  readonly cursors: Map<ChannelState, Cursor>;
  readonly present: Set<ChannelState>;
  readonly allowed: Map<string, boolean | Promise<boolean>>;
  /** Channels where a publish could not be stored: its cid, which must come again before later publishes may pass. */
  readonly blocked: Map<string, string>;
  /** The tail of this session's frame chain while an asynchronous step is pending. */
  chain: Promise<void> | null;
  closed: boolean;
}

export type { MaybePromise };

/**
 * Runs `step` and passes its value to `then`: synchronously when `step` answers synchronously (the memory broker
 * keeps the whole hub synchronous), after it settles when it returns a promise. A throw or rejection goes to
 * `fail` (rethrown without one).
 */
export function settle<T, R>(
  step: () => MaybePromise<T>,
  then: (value: T) => R,
  fail?: (error: unknown) => R,
): R | Promise<Awaited<R>> {
  let value: MaybePromise<T>;
  try {
    value = step();
  } catch (error) {
    if (!fail) throw error;
    return fail(error);
  }
  if (value instanceof Promise) return value.then(then, fail) as Promise<Awaited<R>>;
  return then(value);
}

/** Waits for both when either is a promise; synchronous when neither is. */
export function both(a: MaybePromise<void> | undefined, b: Promise<void> | undefined): MaybePromise<void> {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}
