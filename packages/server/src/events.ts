/**
 * What the server kit reports to `onEvent`, for an audit trail or metrics. Every endpoint (WebSocket, SSE,
 * SSE + POST, Socket.io) reports the same shapes. `transport` says which endpoint saw it.
 */
export type ServerEvent =
  | {
      readonly type: 'connect';
      readonly transport: ServerTransport;
      readonly connectionId: string;
      readonly userId: string | undefined;
    }
  | {
      readonly type: 'disconnect';
      readonly transport: ServerTransport;
      readonly connectionId: string;
      readonly userId: string | undefined;
    }
  | {
      readonly type: 'auth_failure';
      readonly transport: ServerTransport;
      /** `unauthorized` (no or bad token), `token_expired`, `forbidden` (origin or channel not allowed). */
      readonly code: 'unauthorized' | 'token_expired' | 'forbidden';
      readonly reason: string;
      readonly channel?: string;
      readonly userId?: string;
    }
  | {
      readonly type: 'publish';
      readonly transport: ServerTransport | 'server';
      readonly channel: string;
      readonly event: string;
      readonly seq: number;
      readonly userId: string | undefined;
    }
  | {
      /** A rate limit refused something: a connection, a publish, a request. */
      readonly type: 'limit';
      readonly transport: ServerTransport;
      readonly scope: 'connection' | 'user' | 'ip';
      readonly key: string;
      readonly retryAfterMs: number;
    }
  | {
      /** Any other refusal of client input: oversized, invalid payload, bad frame, a server rule's `rejected`. */
      readonly type: 'refused';
      readonly transport: ServerTransport;
      readonly code: RefusalCode;
      readonly channel?: string;
      readonly userId?: string;
    };

/** Why client input was refused (`refused` events). */
export type RefusalCode =
  | 'message_too_large'
  | 'invalid_payload'
  | 'bad_frame'
  | 'unavailable'
  | 'rejected'
  | 'too_many_channels'
  | 'forbidden'
  | 'server_error';

/**
 * Which part saw it. `'hub'`: the shared rules of `createRealtime` (channel authorization, rate limits, payload
 * schemas), which apply to every endpoint alike.
 */
export type ServerTransport = 'websocket' | 'sse' | 'sse-post' | 'polling' | 'socket.io' | 'http' | 'hub';

/** An `onEvent` callback. It must not throw; a throw is caught and reported to `onError`. */
export type ServerEventListener = (event: ServerEvent) => void;

/** An `onEvent` caller that never throws into the endpoint (a throwing listener goes to `onError`). */
export function eventReporter(
  listener: ServerEventListener | undefined,
  onError: (error: unknown) => void,
): (event: ServerEvent) => void {
  if (!listener) return () => {};
  return (event) => {
    try {
      listener(event);
    } catch (error) {
      onError(error);
    }
  };
}
