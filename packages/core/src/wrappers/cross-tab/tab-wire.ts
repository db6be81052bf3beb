import type { ConnectionState } from '../../connection/status.js';
import { RealtimeError, type RealtimeErrorCode } from '../../errors.js';
import type { ClientFrame, ServerFrame } from '../../protocol/frames.js';

/** What tabs say to each other over the `BroadcastChannel`. */
export type TabMessage =
  /** A tab asks the leader for the state (and `welcome`) it missed. */
  | { t: 'hello'; from: string }
  /** A tab goes away: its subscriptions and presence go with it. */
  | { t: 'bye'; from: string }
  /** A client frame for the leader to send. */
  | { t: 'send'; from: string; frame: ClientFrame }
  /** The leader's connection state; `to` when it answers one tab's hello. */
  | { t: 'state'; state: WireState; to?: string }
  /** A server frame for every tab (but `except`), or for `to`. */
  | { t: 'frame'; frame: ServerFrame; to?: string; except?: string }
  /** The leader gave up the connection: a new one is coming. */
  | { t: 'resign' };

/** A connection state as structured clone carries it: the error as plain fields (a class does not survive). */
export type WireState = Omit<ConnectionState, 'error'> & {
  error: { code: RealtimeErrorCode; message: string; retryable: boolean; status?: number } | null;
};

export function toWire(state: ConnectionState): WireState {
  const { error } = state;
  return {
    ...state,
    error:
      error === null
        ? null
        : {
            code: error.code,
            message: error.message,
            retryable: error.retryable,
            ...(error.status === undefined ? {} : { status: error.status }),
          },
  };
}

export function fromWire(state: WireState): ConnectionState {
  const { error } = state;
  return Object.freeze({
    ...state,
    error:
      error === null
        ? null
        : new RealtimeError(error.code, error.message, { retryable: error.retryable, status: error.status }),
  });
}
